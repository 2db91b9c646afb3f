/** English messages: the reference table (every key the pages use). */
export const en = {
  'nav.skip': 'Skip to content', 'nav.label': 'Main', 'nav.events': 'Events', 'nav.organizer': 'Organizer', 'nav.account': 'My account',
  'nav.signin': 'Sign in', 'nav.signup': 'Sign up', 'nav.signout': 'Sign out', 'nav.language': 'Language',
  'footer.note': 'TicketBottle: every page is served by this site; nothing is loaded from elsewhere.',
  'notFound.title': 'Page not found', 'notFound.back': 'Back to the events',
  'common.loading': 'Loading…', 'common.loadFailed': 'This page could not be loaded. Check your connection and reload.',
  'time.seconds': '{s} s', 'time.minutes': '{m} min {s} s', 'time.hours': '{h} h {m} min',

  'events.title': 'Events', 'events.search': 'Search', 'events.categories': 'Categories (any of them)', 'events.from': 'From (date)',
  'events.to': 'To (date, included)', 'events.apply': 'Search', 'events.none': 'No event matches.', 'events.pages': 'Pages',
  'events.prev': '← Previous', 'events.next': 'Next →',

  'event.classes': 'Tickets', 'event.class': 'Ticket class', 'event.price': 'Price', 'event.available': 'Availability',
  'event.left': '{n} of {total} left', 'event.leftN': '{n} left', 'event.soldOut': 'Sold out', 'event.soldOutAll': 'Sold out: no ticket is left for this event.',
  'event.joinQueue': 'Join the waiting room', 'event.buy': 'Buy tickets', 'event.signinToBuy': 'Sign in to buy',
  'event.queueNote': 'This sale uses a waiting room: you keep your place even if you reload or lose the connection.',
  'class.active': 'On sale', 'class.paused': 'Paused', 'class.soldOut': 'Sold out', 'class.closed': 'Closed', 'class.allHeld': 'All held by other buyers: tickets may come back',

  'queue.title': 'Waiting room', 'queue.yourPlace': 'Your place', 'queue.position': 'Your number', 'queue.ahead': 'People ahead of you',
  'queue.nowServing': 'Now serving', 'queue.eta': 'Estimated wait', 'queue.anyMoment': 'Any moment now: you are next',
  'queue.etaMeans': 'The estimated wait is when your turn to buy should come, worked out from the checkouts in progress and how long checkouts take; it never goes up while you are next.',
  'queue.etaUnknown': 'Not known yet', 'queue.progress': 'Progress', 'queue.keepOpen': 'Keep this page open. If you close it, come back soon: you keep your place.',
  'queue.link.connecting': 'Connecting…', 'queue.link.connected': 'Connected: live', 'queue.link.reconnecting': 'Connection lost: reconnecting, you keep your place…',
  'queue.soldOut': 'Sold out: every ticket is gone. We are sorry.', 'queue.likelySoldOut': 'Likely sold out: fewer tickets are left than people ahead of you.',
  'queue.preTitle': 'Waiting for the sale to open',
  'queue.preExplain': 'Everyone who arrives before the opening is in the pre-queue. At the opening the pre-queue is shuffled fairly, so arriving early gives no advantage over arriving on time; people who come after the opening queue in arrival order.',
  'queue.opensIn': 'Opens in', 'queue.fairTitle': 'How the order is made fair',
  'queue.fairExplain': 'The {n} people of the pre-queue were shuffled with a secret seed. Its SHA-256 hash was published before anyone joined; the seed itself is revealed at the opening, so anyone can check it and recompute the order.',
  'queue.seedHash': 'Published seed hash', 'queue.seed': 'Revealed seed', 'queue.seedOk': 'checked: its SHA-256 equals the published hash',
  'queue.seedBad': 'does NOT match the published hash', 'queue.seedLater': 'The seed is revealed when the sale opens.',
  'queue.admitted': 'It is your turn!', 'queue.slotLeft': 'Your checkout slot ends in', 'queue.slotOver': 'over',
  'queue.leftTitle': 'You left the waiting room', 'queue.rejoin': 'Join again (at the back)', 'queue.leave': 'Leave the waiting room',

  'checkout.title': 'Choose your tickets', 'checkout.pageTitle': 'Checkout', 'checkout.limit': '(at most {max})', 'checkout.total': 'Total',
  'checkout.pay': 'Pay', 'checkout.paying': 'Opening the payment…', 'checkout.pickOne': 'Choose at least one ticket.',
  'checkout.failed': 'The order failed: {message} ({code})',

  'order.title': 'Your order', 'order.code': 'Order code', 'order.total': 'Total', 'order.payment': 'Payment', 'order.reason': 'Reason',
  'order.lines': 'Tickets', 'order.quantity': 'Quantity', 'order.state': 'State', 'order.payNow': 'Pay now',
  'order.status.CREATING': 'Creating your order…', 'order.status.RESERVING': 'Holding your tickets…', 'order.status.CONFIRMING': 'Payment received: confirming your tickets…',
  'order.status.PENDING': 'Waiting for the payment…', 'order.status.COMPLETED': 'Paid: your tickets are confirmed.',
  'order.status.FAILED': 'The payment failed: no ticket was bought.', 'order.status.CANCELLED': 'Cancelled: the payment did not arrive in time.',
  'order.status.REFUND_PENDING': 'Your payment could not buy the tickets: a refund is on its way.', 'order.status.REFUNDED': 'Refunded: the money went back to you.',

  'auth.signinTitle': 'Sign in', 'auth.signupTitle': 'Create an account', 'auth.email': 'Email', 'auth.password': 'Password', 'auth.name': 'Name',
  'auth.passwordRule': 'At least 10 characters; a long phrase is best.', 'auth.failed': '{message} ({code})',
  'auth.toSignup': 'No account yet? Create one', 'auth.toSignin': 'Already have an account? Sign in', 'auth.signinFirst': 'Sign in to continue',

  'account.title': 'My account', 'account.email': 'Email', 'account.save': 'Save', 'account.saved': 'Saved.', 'account.orders': 'My orders',
  'account.noOrders': 'No order yet.',

  'org.title': 'My events', 'org.create': 'Create an event', 'org.none': 'You are not staff of any event yet.', 'org.name': 'Name',
  'org.description': 'Description', 'org.location': 'Location', 'org.startsAt': 'Starts', 'org.endsAt': 'Ends', 'org.categories': 'Categories (comma separated)',
  'org.status': 'Status', 'org.role': 'Role', 'org.done': 'Done.', 'org.console': 'Live sale console', 'org.publicPage': 'Public page',
  'org.workflow': 'Workflow', 'org.approve': 'Approve', 'org.publish': 'Publish', 'org.cancel': 'Cancel the event',
  'org.config': 'Sale settings', 'org.saleStart': 'Sale opens', 'org.saleEnd': 'Sale ends', 'org.public': 'Listed publicly',
  'org.requiresApproval': 'Needs approval by the platform', 'org.waitroom': 'Waiting room', 'org.slots': 'Checkout slots (people buying at once)',
  'org.save': 'Save settings', 'org.soldTotal': 'Sold / total', 'org.actions': 'Actions', 'org.class.pause': 'Pause', 'org.class.resume': 'Resume',
  'org.class.close': 'Close', 'org.addClass': 'Add a ticket class', 'org.priceMinor': 'Price (VND)', 'org.total': 'Tickets',
  'org.maxPerOrder': 'Most per order', 'org.staff': 'Staff', 'org.remove': 'Remove', 'org.userId': 'User id', 'org.setRole': 'Give the role',

  'console.title': 'Live sale console', 'console.back': '← Event settings', 'console.controls': 'Controls', 'console.pause': 'Pause admission',
  'console.resume': 'Resume admission', 'console.slots': 'Checkout slots', 'console.setSlots': 'Change', 'console.admission': 'Admission',
  'console.paused': 'Paused', 'console.running': 'Admitting', 'console.preQueue': 'Not open yet (pre-queue)', 'console.waiting': 'In the queue',
  'console.admitted': 'Admitted so far', 'console.admissionsPerSec': 'Admissions / s', 'console.slotsInUse': 'Slots in use',
  'console.salesPerSec': 'Tickets sold / s', 'console.sold': 'Sold', 'console.reserved': 'Held', 'console.stockLeft': 'Left',
  'console.paymentFailures': 'Payment failures', 'console.etaPredicted': 'Predicted wait of the last in line',
  'console.etaChecked': 'Predicted vs actual (last checked)', 'console.etaPair': 'predicted {p}, took {a}',
  'console.chartQueue': 'Queue and slots', 'console.chartRates': 'Admissions and sales per second', 'console.chartStock': 'Tickets left',
  'console.stockByClass': 'Stock by ticket class',
} as const;

export type MessageKey = keyof typeof en;
