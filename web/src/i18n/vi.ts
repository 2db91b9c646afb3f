/** Vietnamese messages: the same keys as `en` (the type enforces it). */
import type { MessageKey } from './en.js';

export const vi: Record<MessageKey, string> = {
  'nav.skip': 'Bỏ qua đến nội dung', 'nav.label': 'Chính', 'nav.events': 'Sự kiện', 'nav.organizer': 'Ban tổ chức', 'nav.account': 'Tài khoản',
  'nav.signin': 'Đăng nhập', 'nav.signup': 'Đăng ký', 'nav.signout': 'Đăng xuất', 'nav.language': 'Ngôn ngữ',
  'footer.note': 'TicketBottle: mọi trang đều do trang này phục vụ; không tải gì từ nơi khác.',
  'notFound.title': 'Không tìm thấy trang', 'notFound.back': 'Quay lại danh sách sự kiện',
  'common.loading': 'Đang tải…', 'common.loadFailed': 'Không tải được trang. Hãy kiểm tra kết nối và tải lại.',
  'time.seconds': '{s} giây', 'time.minutes': '{m} phút {s} giây', 'time.hours': '{h} giờ {m} phút',

  'events.title': 'Sự kiện', 'events.search': 'Tìm kiếm', 'events.categories': 'Danh mục (bất kỳ)', 'events.from': 'Từ ngày',
  'events.to': 'Đến ngày (tính cả ngày này)', 'events.apply': 'Tìm', 'events.none': 'Không có sự kiện phù hợp.', 'events.pages': 'Trang',
  'events.prev': '← Trước', 'events.next': 'Sau →',

  'event.classes': 'Vé', 'event.class': 'Hạng vé', 'event.price': 'Giá', 'event.available': 'Còn lại',
  'event.left': 'Còn {n} / {total}', 'event.leftN': 'Còn {n} vé', 'event.soldOut': 'Hết vé', 'event.soldOutAll': 'Hết vé: sự kiện này không còn vé nào.',
  'event.joinQueue': 'Vào phòng chờ', 'event.buy': 'Mua vé', 'event.signinToBuy': 'Đăng nhập để mua',
  'event.queueNote': 'Đợt bán này có phòng chờ: bạn vẫn giữ chỗ dù tải lại trang hay mất kết nối.',
  'class.active': 'Đang bán', 'class.paused': 'Tạm dừng', 'class.soldOut': 'Hết vé', 'class.closed': 'Đã đóng', 'class.allHeld': 'Người khác đang giữ hết vé: vé có thể được trả lại',

  'queue.title': 'Phòng chờ', 'queue.yourPlace': 'Vị trí của bạn', 'queue.position': 'Số của bạn', 'queue.ahead': 'Số người phía trước',
  'queue.nowServing': 'Đang phục vụ', 'queue.eta': 'Thời gian chờ ước tính', 'queue.anyMoment': 'Sắp đến lượt: bạn là người tiếp theo',
  'queue.etaMeans': 'Thời gian chờ ước tính là lúc dự kiến đến lượt bạn mua, tính từ các lượt thanh toán đang diễn ra và thời gian một lượt thanh toán thường mất; khi bạn là người tiếp theo, con số này không bao giờ tăng.',
  'queue.etaUnknown': 'Chưa biết', 'queue.progress': 'Tiến độ', 'queue.keepOpen': 'Hãy giữ trang này mở. Nếu lỡ đóng, hãy quay lại sớm: bạn vẫn giữ chỗ.',
  'queue.link.connecting': 'Đang kết nối…', 'queue.link.connected': 'Đã kết nối: trực tiếp', 'queue.link.reconnecting': 'Mất kết nối: đang kết nối lại, bạn vẫn giữ chỗ…',
  'queue.soldOut': 'Hết vé: tất cả vé đã được bán. Rất tiếc.', 'queue.likelySoldOut': 'Có thể hết vé: số vé còn lại ít hơn số người phía trước bạn.',
  'queue.preTitle': 'Đang chờ mở bán',
  'queue.preExplain': 'Mọi người đến trước giờ mở bán đều ở hàng chờ trước. Khi mở bán, hàng chờ trước được xáo trộn công bằng, nên đến sớm không có lợi hơn đến đúng giờ; người đến sau giờ mở bán xếp theo thứ tự đến.',
  'queue.opensIn': 'Mở bán sau', 'queue.fairTitle': 'Thứ tự được làm công bằng thế nào',
  'queue.fairExplain': '{n} người trong hàng chờ trước được xáo trộn bằng một hạt giống bí mật. Mã băm SHA-256 của nó được công bố trước khi có ai vào; hạt giống được công bố khi mở bán, nên ai cũng có thể kiểm tra và tính lại thứ tự.',
  'queue.seedHash': 'Mã băm đã công bố', 'queue.seed': 'Hạt giống đã công bố', 'queue.seedOk': 'đã kiểm tra: SHA-256 của nó khớp với mã băm đã công bố',
  'queue.seedBad': 'KHÔNG khớp với mã băm đã công bố', 'queue.seedLater': 'Hạt giống sẽ được công bố khi mở bán.',
  'queue.admitted': 'Đến lượt bạn!', 'queue.slotLeft': 'Lượt thanh toán của bạn kết thúc sau', 'queue.slotOver': 'đã hết',
  'queue.leftTitle': 'Bạn đã rời phòng chờ', 'queue.rejoin': 'Vào lại (xếp cuối hàng)', 'queue.leave': 'Rời phòng chờ',

  'checkout.title': 'Chọn vé', 'checkout.pageTitle': 'Thanh toán', 'checkout.limit': '(tối đa {max})', 'checkout.total': 'Tổng cộng',
  'checkout.pay': 'Thanh toán', 'checkout.paying': 'Đang mở trang thanh toán…', 'checkout.pickOne': 'Hãy chọn ít nhất một vé.',
  'checkout.failed': 'Đặt vé thất bại: {message} ({code})',

  'order.title': 'Đơn hàng của bạn', 'order.code': 'Mã đơn', 'order.total': 'Tổng cộng', 'order.payment': 'Thanh toán', 'order.reason': 'Lý do',
  'order.lines': 'Vé', 'order.quantity': 'Số lượng', 'order.state': 'Trạng thái', 'order.payNow': 'Thanh toán ngay',
  'order.status.CREATING': 'Đang tạo đơn hàng…', 'order.status.RESERVING': 'Đang giữ vé cho bạn…', 'order.status.CONFIRMING': 'Đã nhận thanh toán: đang xác nhận vé…',
  'order.status.PENDING': 'Đang chờ thanh toán…', 'order.status.COMPLETED': 'Đã thanh toán: vé của bạn đã được xác nhận.',
  'order.status.FAILED': 'Thanh toán thất bại: chưa mua vé nào.', 'order.status.CANCELLED': 'Đã hủy: thanh toán không đến kịp.',
  'order.status.REFUND_PENDING': 'Thanh toán không mua được vé: đang hoàn tiền cho bạn.', 'order.status.REFUNDED': 'Đã hoàn tiền cho bạn.',

  'auth.signinTitle': 'Đăng nhập', 'auth.signupTitle': 'Tạo tài khoản', 'auth.email': 'Email', 'auth.password': 'Mật khẩu', 'auth.name': 'Tên',
  'auth.passwordRule': 'Ít nhất 10 ký tự; một câu dài là tốt nhất.', 'auth.failed': '{message} ({code})',
  'auth.toSignup': 'Chưa có tài khoản? Tạo mới', 'auth.toSignin': 'Đã có tài khoản? Đăng nhập', 'auth.signinFirst': 'Đăng nhập để tiếp tục',

  'account.title': 'Tài khoản của tôi', 'account.email': 'Email', 'account.save': 'Lưu', 'account.saved': 'Đã lưu.', 'account.orders': 'Đơn hàng của tôi',
  'account.noOrders': 'Chưa có đơn hàng.',

  'org.title': 'Sự kiện của tôi', 'org.create': 'Tạo sự kiện', 'org.none': 'Bạn chưa là nhân sự của sự kiện nào.', 'org.name': 'Tên',
  'org.description': 'Mô tả', 'org.location': 'Địa điểm', 'org.startsAt': 'Bắt đầu', 'org.endsAt': 'Kết thúc', 'org.categories': 'Danh mục (cách nhau bằng dấu phẩy)',
  'org.status': 'Trạng thái', 'org.role': 'Vai trò', 'org.done': 'Xong.', 'org.console': 'Bảng điều khiển bán vé trực tiếp', 'org.publicPage': 'Trang công khai',
  'org.workflow': 'Quy trình', 'org.approve': 'Duyệt', 'org.publish': 'Công bố', 'org.cancel': 'Hủy sự kiện',
  'org.config': 'Cài đặt bán vé', 'org.saleStart': 'Mở bán', 'org.saleEnd': 'Kết thúc bán', 'org.public': 'Hiển thị công khai',
  'org.requiresApproval': 'Cần nền tảng duyệt', 'org.waitroom': 'Phòng chờ', 'org.slots': 'Số lượt thanh toán (người mua cùng lúc)',
  'org.save': 'Lưu cài đặt', 'org.soldTotal': 'Đã bán / tổng', 'org.actions': 'Thao tác', 'org.class.pause': 'Tạm dừng', 'org.class.resume': 'Tiếp tục',
  'org.class.close': 'Đóng', 'org.addClass': 'Thêm hạng vé', 'org.priceMinor': 'Giá (VND)', 'org.total': 'Số vé',
  'org.maxPerOrder': 'Tối đa mỗi đơn', 'org.staff': 'Nhân sự', 'org.remove': 'Gỡ', 'org.userId': 'Mã người dùng', 'org.setRole': 'Gán vai trò',

  'console.title': 'Bảng điều khiển bán vé trực tiếp', 'console.back': '← Cài đặt sự kiện', 'console.controls': 'Điều khiển', 'console.pause': 'Tạm dừng cho vào',
  'console.resume': 'Tiếp tục cho vào', 'console.slots': 'Số lượt thanh toán', 'console.setSlots': 'Đổi', 'console.admission': 'Cho vào',
  'console.paused': 'Tạm dừng', 'console.running': 'Đang cho vào', 'console.preQueue': 'Chưa mở (hàng chờ trước)', 'console.waiting': 'Đang xếp hàng',
  'console.admitted': 'Đã cho vào', 'console.admissionsPerSec': 'Lượt vào / giây', 'console.slotsInUse': 'Lượt đang dùng',
  'console.salesPerSec': 'Vé bán / giây', 'console.sold': 'Đã bán', 'console.reserved': 'Đang giữ', 'console.stockLeft': 'Còn lại',
  'console.paymentFailures': 'Thanh toán thất bại', 'console.etaPredicted': 'Thời gian chờ dự đoán của người cuối hàng',
  'console.etaChecked': 'Dự đoán so với thực tế (lần kiểm tra gần nhất)', 'console.etaPair': 'dự đoán {p}, thực tế {a}',
  'console.chartQueue': 'Hàng chờ và lượt thanh toán', 'console.chartRates': 'Lượt vào và vé bán mỗi giây', 'console.chartStock': 'Vé còn lại',
  'console.stockByClass': 'Tồn kho theo hạng vé',
};
