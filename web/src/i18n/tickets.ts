/**
 * Strings of the ticket pages (my tickets, the door scanner) in English and Vietnamese. Kept out
 * of the shared tables so the waiting room's first load does not carry them; `tt` follows the
 * language switch like `t`.
 */
import { getLang } from './index.js';

const en = {
  'tickets.title': 'My tickets', 'tickets.none': 'No ticket yet. Tickets appear here a few seconds after an order is paid.',
  'tickets.link': 'My tickets', 'tickets.orderLink': 'See your tickets',
  'tickets.ticket': 'Ticket {n}', 'tickets.class': 'Ticket class', 'tickets.event': 'Event', 'tickets.price': 'Price', 'tickets.order': 'Order',
  'tickets.status': 'Status', 'tickets.qrAlt': 'QR code of ticket {id}',
  'tickets.status.valid': 'Valid', 'tickets.status.checkedIn': 'Checked in', 'tickets.status.voided': 'Voided', 'tickets.status.transferred': 'Transferred',
  'tickets.checkedInAt': 'Checked in at {at}, gate {gate}', 'tickets.voidReason': 'Voided: {reason}', 'tickets.transferredTo': 'Given to another account: this code no longer opens the door.',
  'tickets.rotating': 'This code changes every {s} seconds: show it live from this page, a screenshot will not work.',
  'tickets.staticNote': 'Show this code at the door (or the PDF, printed or on screen).',
  'tickets.pdf': 'Download the PDF', 'tickets.pdfFailed': 'The PDF could not be downloaded: {message}',
  'tickets.transfer': 'Give this ticket to someone else', 'tickets.transferTo': 'Their user id', 'tickets.transferDo': 'Transfer',
  'tickets.transferHint': 'Ask them for the user id shown on their My tickets page. The code you hold stops working at once.',
  'tickets.transferred': 'Transferred.', 'tickets.myId': 'Your user id (to receive a ticket):',
  'tickets.failed': '{message} ({code})',

  'scan.title': 'Door scanner', 'scan.link': 'Door scanner', 'scan.gate': 'Gate', 'scan.list': 'Check-in list', 'scan.allClasses': 'Whole event (every class)',
  'scan.listTitle': 'Offline list', 'scan.download': 'Download the list again', 'scan.listInfo': 'Tickets on the list: {n}. Downloaded at {at}; signature checked with the platform key {key}.',
  'scan.listBad': 'The downloaded list has a bad signature: it is not used.', 'scan.noList': 'No list downloaded yet: scans need the network.',
  'scan.camera': 'Camera', 'scan.startCamera': 'Start the camera', 'scan.stopCamera': 'Stop the camera',
  'scan.cameraFailed': 'The camera could not start ({message}). Type or paste the code below.', 'scan.video': 'Camera view: hold the ticket\'s QR code in front of it',
  'scan.manual': 'Ticket code (typed or pasted)', 'scan.check': 'Check', 'scan.next': 'Scan next',
  'scan.ok': 'Welcome in', 'scan.refused': 'Refused', 'scan.waiting': 'Ready: show a ticket.',
  'scan.okOnline': 'Checked in at {at}, gate {gate}.', 'scan.okOffline': 'Checked in offline at {at}, gate {gate}: it will be synced.',
  'scan.already': 'Already checked in at {at} at gate {gate}.', 'scan.alreadyList': 'Already checked in (before the list was downloaded).',
  'scan.forged': 'Forged or damaged code: the signature does not match.', 'scan.malformed': 'Not a TicketBottle ticket code.',
  'scan.otherEvent': 'This ticket is for another event.', 'scan.voided': 'This ticket is void (refunded or cancelled).',
  'scan.transferred': 'This ticket was given to someone else: the old code is void.', 'scan.expired': 'Old code: ask the holder to show the live code on their phone.',
  'scan.notOnList': 'This ticket is not admitted by this check-in list.', 'scan.unknown': 'Unknown ticket: not on the downloaded list.',
  'scan.forbidden': 'You may not scan tickets of this event.', 'scan.other': '{message} ({code})',
  'scan.sync': 'Offline scans', 'scan.pending': 'Waiting to be synced: {n}', 'scan.synced': 'Everything is synced.', 'scan.syncNow': 'Sync now',
  'scan.online': 'Online', 'scan.offline': 'Offline: scans are checked on this device and synced later',
  'scan.conflict': '{ticket}: an earlier scan won (at {at}, gate {gate}).', 'scan.conflicts': 'Sync report',
  'scan.log': 'Recent scans', 'scan.time': 'Time', 'scan.ticket': 'Ticket', 'scan.result': 'Result',
} as const;

export type TicketMessageKey = keyof typeof en;

const vi: Record<TicketMessageKey, string> = {
  'tickets.title': 'Vé của tôi', 'tickets.none': 'Chưa có vé nào. Vé xuất hiện ở đây vài giây sau khi đơn hàng được thanh toán.',
  'tickets.link': 'Vé của tôi', 'tickets.orderLink': 'Xem vé của bạn',
  'tickets.ticket': 'Vé {n}', 'tickets.class': 'Hạng vé', 'tickets.event': 'Sự kiện', 'tickets.price': 'Giá', 'tickets.order': 'Đơn hàng',
  'tickets.status': 'Trạng thái', 'tickets.qrAlt': 'Mã QR của vé {id}',
  'tickets.status.valid': 'Còn hiệu lực', 'tickets.status.checkedIn': 'Đã vào cửa', 'tickets.status.voided': 'Đã hủy', 'tickets.status.transferred': 'Đã chuyển nhượng',
  'tickets.checkedInAt': 'Đã vào cửa lúc {at}, cổng {gate}', 'tickets.voidReason': 'Đã hủy: {reason}', 'tickets.transferredTo': 'Đã chuyển cho tài khoản khác: mã này không còn mở cửa được.',
  'tickets.rotating': 'Mã này đổi mỗi {s} giây: hãy mở trực tiếp trang này ở cửa, ảnh chụp màn hình sẽ không dùng được.',
  'tickets.staticNote': 'Xuất trình mã này ở cửa (hoặc bản PDF, in ra hoặc trên màn hình).',
  'tickets.pdf': 'Tải bản PDF', 'tickets.pdfFailed': 'Không tải được bản PDF: {message}',
  'tickets.transfer': 'Chuyển vé này cho người khác', 'tickets.transferTo': 'Mã người dùng của họ', 'tickets.transferDo': 'Chuyển',
  'tickets.transferHint': 'Hỏi họ mã người dùng hiện trên trang Vé của tôi của họ. Mã bạn đang giữ sẽ hết hiệu lực ngay.',
  'tickets.transferred': 'Đã chuyển.', 'tickets.myId': 'Mã người dùng của bạn (để nhận vé):',
  'tickets.failed': '{message} ({code})',

  'scan.title': 'Máy quét cửa', 'scan.link': 'Máy quét cửa', 'scan.gate': 'Cổng', 'scan.list': 'Danh sách vào cửa', 'scan.allClasses': 'Toàn bộ sự kiện (mọi hạng vé)',
  'scan.listTitle': 'Danh sách ngoại tuyến', 'scan.download': 'Tải lại danh sách', 'scan.listInfo': 'Số vé trong danh sách: {n}. Tải lúc {at}; chữ ký đã kiểm tra bằng khóa {key} của nền tảng.',
  'scan.listBad': 'Danh sách tải về có chữ ký sai: không được dùng.', 'scan.noList': 'Chưa tải danh sách: cần mạng để quét.',
  'scan.camera': 'Máy ảnh', 'scan.startCamera': 'Bật máy ảnh', 'scan.stopCamera': 'Tắt máy ảnh',
  'scan.cameraFailed': 'Không bật được máy ảnh ({message}). Hãy gõ hoặc dán mã bên dưới.', 'scan.video': 'Khung máy ảnh: đưa mã QR của vé vào trước máy',
  'scan.manual': 'Mã vé (gõ hoặc dán)', 'scan.check': 'Kiểm tra', 'scan.next': 'Quét vé tiếp',
  'scan.ok': 'Mời vào', 'scan.refused': 'Từ chối', 'scan.waiting': 'Sẵn sàng: hãy đưa vé.',
  'scan.okOnline': 'Đã vào cửa lúc {at}, cổng {gate}.', 'scan.okOffline': 'Đã vào cửa (ngoại tuyến) lúc {at}, cổng {gate}: sẽ được đồng bộ.',
  'scan.already': 'Vé đã vào cửa lúc {at} tại cổng {gate}.', 'scan.alreadyList': 'Vé đã vào cửa (trước khi tải danh sách).',
  'scan.forged': 'Mã giả hoặc hỏng: chữ ký không khớp.', 'scan.malformed': 'Không phải mã vé TicketBottle.',
  'scan.otherEvent': 'Vé này thuộc sự kiện khác.', 'scan.voided': 'Vé này đã bị hủy (hoàn tiền hoặc hủy bỏ).',
  'scan.transferred': 'Vé này đã được chuyển cho người khác: mã cũ không còn hiệu lực.', 'scan.expired': 'Mã cũ: hãy yêu cầu người giữ vé mở mã trực tiếp trên điện thoại.',
  'scan.notOnList': 'Danh sách vào cửa này không nhận vé này.', 'scan.unknown': 'Vé không có trong danh sách đã tải.',
  'scan.forbidden': 'Bạn không có quyền quét vé của sự kiện này.', 'scan.other': '{message} ({code})',
  'scan.sync': 'Lượt quét ngoại tuyến', 'scan.pending': 'Chờ đồng bộ: {n}', 'scan.synced': 'Đã đồng bộ hết.', 'scan.syncNow': 'Đồng bộ ngay',
  'scan.online': 'Trực tuyến', 'scan.offline': 'Ngoại tuyến: vé được kiểm tra trên máy này và đồng bộ sau',
  'scan.conflict': '{ticket}: một lượt quét trước đã thắng (lúc {at}, cổng {gate}).', 'scan.conflicts': 'Báo cáo đồng bộ',
  'scan.log': 'Lượt quét gần đây', 'scan.time': 'Giờ', 'scan.ticket': 'Vé', 'scan.result': 'Kết quả',
};

const TABLES: Record<'en' | 'vi', Record<TicketMessageKey, string>> = { en, vi };

/** Translate a ticket-page key, filling `{name}` placeholders. */
export function tt(key: TicketMessageKey, params: Record<string, string | number> = {}): string {
  return TABLES[getLang()][key].replace(/\{(\w+)\}/g, (_, k: string) => String(params[k] ?? `{${k}}`));
}
