/** Checkout of an event without a waiting room. */
import { t } from '../i18n/index.js';
import { Checkout } from '../checkout.js';
import { RequireSignIn } from '../require-signin.js';

export default function CheckoutPage({ params }: { params: Record<string, string> }) {
  return (
    <RequireSignIn>
      <h1>{t('checkout.pageTitle')}</h1>
      <Checkout eventId={params['eventId']!} />
    </RequireSignIn>
  );
}
