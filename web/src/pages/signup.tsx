/** Sign up (signs in at once). */
import { AuthForm } from '../auth-form.js';

export default function SignUp() {
  return <AuthForm mode="signup" />;
}
