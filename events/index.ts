/**
 * @module events
 * The event-side flows the gateway's routes call, transport-free, over the typed actor
 * references: ticket classes with their authorization (`createTicketClassService`), and the
 * shared "not found, whatever the reason" rules. Import only from here.
 */
export { createTicketClassService, requirePermission, hideForbiddenRead, eventNotFound, isStaff } from './ticket-classes.js';

export type { TicketClassService } from './ticket-classes.js';
