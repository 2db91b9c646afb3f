/** Sign in. */
import { AuthForm } from '../auth-form.js';

export default function SignIn() {
  return <AuthForm mode="signin" />;
}
