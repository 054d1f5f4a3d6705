package web

import "github.com/salesflow/salesflow/models"

// caseTexts are the texts of the case pages' generated parts, merged into
// catalogues: the actions of both catalogues (action.<name>), their input
// fields (field.<name>, one label per JSON name whatever the action),
// enum values (enum.<field>.<value>), the API's error codes
// (apierr.<code>), control point kinds and statuses (point.<kind>,
// point_status.<status>), the deal's and the complaint's statuses, steps
// and severities. A test (i18n_cases_test.go) fails when an action, field
// or enum value of internal/deal or internal/complaint, or an error code of
// internal/casework, has no text here in both languages.
var caseTexts = map[string]map[string]string{
	models.LangEnglish: {
		"action.schedule_presentation": "Schedule the presentation", "action.hold_presentation": "Presentation held",
		"action.send_protocol": "Send the protocol", "action.decline_presentation": "Presentation declined",
		"action.issue_offer": "Issue an offer", "action.request_offer_changes": "Client asks for offer changes",
		"action.extend_offer": "Extend the offer", "action.accept_offer": "Offer accepted",
		"action.prepare_contract": "Prepare the contract", "action.approve_contract": "Contract approved",
		"action.request_contract_changes": "Changes to the contract requested", "action.revise_contract": "Revise the contract",
		"action.record_payment": "Record a payment", "action.cancel_with_refund": "Cancel with a refund",
		"action.plan_event": "Plan the event", "action.approve_event_item": "Event item approved",
		"action.reschedule_event": "Move the event", "action.hold_event": "Event held",
		"action.sign_closing_documents": "Closing documents signed", "action.submit_survey": "Record the survey",
		"action.schedule_follow_up": "Schedule the follow-up", "action.close_deal": "Close the deal as won",
		"action.complete_follow_up": "Record the follow-up", "action.lose": "Mark the deal lost",
		"action.log_contact": "Log a contact", "action.reassign": "Hand over to someone else",
		"action.acknowledge": "Acknowledge", "action.assign": "Assign",
		"action.record_investigation": "Record the investigation", "action.resolve_for_client": "Resolve for the client",
		"action.confirm_by_client": "Client's confirmation", "action.add_corrective_action": "Add a corrective action",
		"action.complete_corrective_action": "Complete a corrective action", "action.close": "Close the complaint",

		"field.at": "When", "field.held_at": "Held at", "field.notes": "Notes", "field.url": "Link",
		"field.retry_at": "Try again at", "field.reason": "Reason", "field.amount": "Amount",
		"field.valid_until": "Valid until", "field.terms": "Terms", "field.comment": "Comment",
		"field.corrections_due": "Corrections due", "field.version": "Offer version", "field.approvers": "Approvers",
		"field.contact_id": "Contact person (id)", "field.role": "Role", "field.name": "Name",
		"field.payment_plan": "Payment plan", "field.percent": "Percent", "field.due": "Due",
		"field.approver": "Approver", "field.back_to_offer": "Back to the offer", "field.paid_at": "Paid at",
		"field.refund_amount": "Refund amount", "field.refunded_at": "Refunded at", "field.date": "Date",
		"field.items": "Items (one a line)", "field.item": "Item", "field.scores": "Scores (1 to 5)",
		"field.purpose": "Purpose", "field.product": "Product", "field.outcome": "Outcome", "field.note": "Note",
		"field.next_at": "Next contact at", "field.keep_payment": "Keep the payment",
		"field.keep_payment_reason": "Why the payment is kept", "field.channel": "Channel", "field.owner": "Owner",
		"field.message": "Message to the client", "field.assignee": "Assignee", "field.root_cause": "Root cause",
		"field.process_step": "Process step at fault", "field.department": "Department", "field.remedy": "Remedy",
		"field.satisfied": "The client is satisfied", "field.description": "Description",
		"field.id": "Corrective action (id)", "field.no_process_change_reason": "Why no process change is needed",

		"enum.due.before_event": "Before the event", "enum.due.after_event": "After the event",
		"enum.outcome.next_deal": "A new deal", "enum.outcome.later": "Later", "enum.outcome.not_interested": "Not interested",
		"enum.process_step.presentation": "Presentation", "enum.process_step.offer": "Offer",
		"enum.process_step.contract": "Contract", "enum.process_step.payment": "Payment",
		"enum.process_step.event": "Event", "enum.process_step.close": "Close", "enum.process_step.other": "Other",
		"enum.remedy.redo": "Redo the work", "enum.remedy.discount": "Discount", "enum.remedy.refund": "Refund",
		"enum.remedy.apology": "Apology", "enum.remedy.other": "Other",

		"question.quality": "Quality", "question.speed": "Speed", "question.payment_convenience": "Payment convenience",

		"apierr.invalid_input": "Check the marked fields", "apierr.action_not_allowed": "Not allowed now",
		"apierr.not_found": "Not found", "apierr.unauthorized": "Please sign in again",
		"apierr.forbidden": "Your role may not do this", "apierr.conflict": "Changed meanwhile; reload the page",
		"apierr.idempotency_key_reused": "This form was already sent with other values; reload the page",
		"apierr.rate_limited":           "Too many requests; wait a moment and try again",
		"apierr.method_not_allowed":     "Not possible here", "apierr.payload_too_large": "Too much data in one go",
		"apierr.unsupported_media_type": "Unsupported format", "apierr.temporal_unavailable": "The workflow service failed; try again",
		"apierr.unavailable": "A service is not available right now; try again in a moment",
		"apierr.internal":    "Internal error", "apierr.not_active_staff": "Not an active staff member",

		"point.kind": "Control point", "point.protocol": "Send the protocol", "point.presentation_retry": "Retry the presentation",
		"point.offer_validity": "Offer validity", "point.corrections": "Corrections", "point.payment_due": "Payment due",
		"point.event_items": "Event items approved", "point.event_date": "Event date", "point.survey": "Survey",
		"point.contact_interval": "Contact the client", "point.follow_up": "Follow-up",
		"point.complaint_acknowledge": "Acknowledge", "point.complaint_investigate": "Investigate",
		"point.complaint_resolve": "Resolve", "point.complaint_confirm": "Client's confirmation",
		"point.complaint_correct": "Corrective actions", "point.corrective_action": "Corrective action",
		"point_status.open": "open", "point_status.done": "done", "point_status.overdue": "overdue",
		"point_status.cancelled": "cancelled",

		"dealstatus.open": "open", "dealstatus.won": "won", "dealstatus.lost": "lost", "dealstatus.cancelled": "cancelled",
		"cstatus.open": "open", "cstatus.closed": "closed",
		"step.acknowledgement": "Acknowledgement", "step.investigation": "Investigation", "step.resolution": "Resolution",
		"step.confirmation": "Confirmation", "step.correction": "Correction", "step.closed": "Closed",
		"severity.low": "low", "severity.normal": "normal", "severity.high": "high", "severity.critical": "critical",
		"doc.type": "Document", "doc.ref": "Reference", "doc.sent": "Sent", "doc.protocol": "Protocol", "doc.offer": "Offer",
		"doc.contract": "Contract", "doc.invoice": "Invoice", "doc.act": "Closing act", "doc.questionnaire": "Questionnaire",
		"offerstatus.sent": "sent", "offerstatus.changes_requested": "changes requested", "offerstatus.expired": "expired",
		"offerstatus.accepted": "accepted", "contract.revision": "Revision",
		"contractstatus.awaiting_approval": "awaiting approval", "contractstatus.changes_requested": "changes requested",
		"contractstatus.signed": "signed", "contractstatus.superseded": "superseded", "invoice.paid": "Paid",
		"invoicestatus.issued": "issued", "invoicestatus.paid": "paid", "invoicestatus.cancelled": "cancelled",
		"payment.payment": "payment", "payment.refund": "refund",
		"pm.open": "open now", "pm.overdue": "overdue control points", "pm.lost": "lost here",
		"pm.median": "median time here", "pm.scale": "quick to slow",
		"refusal.stage": "the deal is in stage", "refusal.step": "the complaint is in step",
		"event.deal_opened": "Deal opened", "event.stage_entered": "Stage entered", "event.contract_signed": "Contract signed",
		"event.contract_superseded": "Contract set aside", "event.dissatisfaction_detected": "Low survey scores",
		"event.complaint_opened": "Complaint opened from the survey", "event.complaint_not_opened": "Complaint from the survey failed",
		"event.deal_won": "Deal won", "event.deal_lost": "Deal lost", "event.deal_cancelled": "Deal cancelled",
		"event.offer_expired": "Offer expired", "event.payment_kept": "Payment kept", "event.follow_up_done": "Follow-up done",
		"event.complaint_registered": "Complaint registered", "event.recurrence_detected": "Recurrence found",
		"event.step_entered": "Step entered", "event.complaint_cancelled": "Complaint cancelled",
		"role.sales": "sales", "role.manager": "manager", "role.admin": "admin",
	},
	models.LangRussian: {
		"action.schedule_presentation": "Назначить презентацию", "action.hold_presentation": "Презентация проведена",
		"action.send_protocol": "Отправить протокол", "action.decline_presentation": "Отказ от презентации",
		"action.issue_offer": "Выставить предложение", "action.request_offer_changes": "Клиент просит изменить предложение",
		"action.extend_offer": "Продлить предложение", "action.accept_offer": "Предложение принято",
		"action.prepare_contract": "Подготовить договор", "action.approve_contract": "Договор согласован",
		"action.request_contract_changes": "Правки к договору", "action.revise_contract": "Переработать договор",
		"action.record_payment": "Зарегистрировать оплату", "action.cancel_with_refund": "Отменить с возвратом",
		"action.plan_event": "Спланировать мероприятие", "action.approve_event_item": "Пункт мероприятия согласован",
		"action.reschedule_event": "Перенести мероприятие", "action.hold_event": "Мероприятие проведено",
		"action.sign_closing_documents": "Закрывающие документы подписаны", "action.submit_survey": "Внести анкету",
		"action.schedule_follow_up": "Назначить повторный контакт", "action.close_deal": "Закрыть сделку как выигранную",
		"action.complete_follow_up": "Итог повторного контакта", "action.lose": "Сделка проиграна",
		"action.log_contact": "Записать контакт", "action.reassign": "Передать другому",
		"action.acknowledge": "Подтвердить получение", "action.assign": "Назначить ответственного",
		"action.record_investigation": "Итоги расследования", "action.resolve_for_client": "Решение для клиента",
		"action.confirm_by_client": "Ответ клиента", "action.add_corrective_action": "Добавить корректирующее действие",
		"action.complete_corrective_action": "Выполнить корректирующее действие", "action.close": "Закрыть рекламацию",

		"field.at": "Когда", "field.held_at": "Когда проведено", "field.notes": "Заметки", "field.url": "Ссылка",
		"field.retry_at": "Когда повторить", "field.reason": "Причина", "field.amount": "Сумма",
		"field.valid_until": "Действует до", "field.terms": "Условия", "field.comment": "Комментарий",
		"field.corrections_due": "Срок правок", "field.version": "Версия предложения", "field.approvers": "Согласующие",
		"field.contact_id": "Контактное лицо (id)", "field.role": "Должность", "field.name": "Имя",
		"field.payment_plan": "График оплаты", "field.percent": "Процент", "field.due": "Срок",
		"field.approver": "Согласующий", "field.back_to_offer": "Вернуться к предложению", "field.paid_at": "Дата оплаты",
		"field.refund_amount": "Сумма возврата", "field.refunded_at": "Дата возврата", "field.date": "Дата",
		"field.items": "Пункты (по одному в строке)", "field.item": "Пункт", "field.scores": "Оценки (от 1 до 5)",
		"field.purpose": "Цель", "field.product": "Продукт", "field.outcome": "Итог", "field.note": "Заметка",
		"field.next_at": "Следующий контакт", "field.keep_payment": "Оплата остаётся у нас",
		"field.keep_payment_reason": "Почему оплата остаётся", "field.channel": "Канал", "field.owner": "Ответственный",
		"field.message": "Сообщение клиенту", "field.assignee": "Ответственный", "field.root_cause": "Корневая причина",
		"field.process_step": "Этап процесса, где возникла проблема", "field.department": "Подразделение",
		"field.remedy": "Мера для клиента", "field.satisfied": "Клиент удовлетворён", "field.description": "Описание",
		"field.id": "Корректирующее действие (id)", "field.no_process_change_reason": "Почему процесс не меняется",

		"enum.due.before_event": "До мероприятия", "enum.due.after_event": "После мероприятия",
		"enum.outcome.next_deal": "Новая сделка", "enum.outcome.later": "Позже", "enum.outcome.not_interested": "Не интересно",
		"enum.process_step.presentation": "Презентация", "enum.process_step.offer": "Предложение",
		"enum.process_step.contract": "Договор", "enum.process_step.payment": "Оплата",
		"enum.process_step.event": "Мероприятие", "enum.process_step.close": "Закрытие", "enum.process_step.other": "Другое",
		"enum.remedy.redo": "Переделать работу", "enum.remedy.discount": "Скидка", "enum.remedy.refund": "Возврат денег",
		"enum.remedy.apology": "Извинения", "enum.remedy.other": "Другое",

		"question.quality": "Качество", "question.speed": "Скорость", "question.payment_convenience": "Удобство оплаты",

		"apierr.invalid_input": "Проверьте отмеченные поля", "apierr.action_not_allowed": "Сейчас это сделать нельзя",
		"apierr.not_found": "Не найдено", "apierr.unauthorized": "Войдите снова",
		"apierr.forbidden": "Вашей роли это недоступно", "apierr.conflict": "Тем временем что-то изменилось; обновите страницу",
		"apierr.idempotency_key_reused": "Эта форма уже отправлена с другими данными; обновите страницу",
		"apierr.rate_limited":           "Слишком много запросов; подождите немного и повторите",
		"apierr.method_not_allowed":     "Здесь так нельзя", "apierr.payload_too_large": "Слишком много данных за раз",
		"apierr.unsupported_media_type": "Неподдерживаемый формат", "apierr.temporal_unavailable": "Сбой сервиса процессов; повторите",
		"apierr.unavailable": "Сервис сейчас недоступен; повторите чуть позже",
		"apierr.internal":    "Внутренняя ошибка", "apierr.not_active_staff": "Это не действующий сотрудник",

		"point.kind": "Контрольная точка", "point.protocol": "Отправить протокол", "point.presentation_retry": "Повторить презентацию",
		"point.offer_validity": "Срок предложения", "point.corrections": "Правки", "point.payment_due": "Срок оплаты",
		"point.event_items": "Согласование пунктов мероприятия", "point.event_date": "Дата мероприятия", "point.survey": "Анкета",
		"point.contact_interval": "Связаться с клиентом", "point.follow_up": "Повторный контакт",
		"point.complaint_acknowledge": "Подтвердить получение", "point.complaint_investigate": "Расследовать",
		"point.complaint_resolve": "Решить", "point.complaint_confirm": "Ответ клиента",
		"point.complaint_correct": "Корректирующие действия", "point.corrective_action": "Корректирующее действие",
		"point_status.open": "открыта", "point_status.done": "выполнена", "point_status.overdue": "просрочена",
		"point_status.cancelled": "отменена",

		"dealstatus.open": "открыта", "dealstatus.won": "выиграна", "dealstatus.lost": "проиграна", "dealstatus.cancelled": "отменена",
		"cstatus.open": "открыта", "cstatus.closed": "закрыта",
		"step.acknowledgement": "Подтверждение", "step.investigation": "Расследование", "step.resolution": "Решение",
		"step.confirmation": "Ответ клиента", "step.correction": "Корректирующие действия", "step.closed": "Закрыта",
		"severity.low": "низкая", "severity.normal": "обычная", "severity.high": "высокая", "severity.critical": "критическая",
		"doc.type": "Документ", "doc.ref": "Номер", "doc.sent": "Отправлен", "doc.protocol": "Протокол", "doc.offer": "Предложение",
		"doc.contract": "Договор", "doc.invoice": "Счёт", "doc.act": "Акт", "doc.questionnaire": "Анкета",
		"offerstatus.sent": "отправлено", "offerstatus.changes_requested": "просят изменить", "offerstatus.expired": "истекло",
		"offerstatus.accepted": "принято", "contract.revision": "Редакция",
		"contractstatus.awaiting_approval": "на согласовании", "contractstatus.changes_requested": "просят правки",
		"contractstatus.signed": "подписан", "contractstatus.superseded": "заменён", "invoice.paid": "Оплачено",
		"invoicestatus.issued": "выставлен", "invoicestatus.paid": "оплачен", "invoicestatus.cancelled": "отменён",
		"payment.payment": "оплата", "payment.refund": "возврат",
		"pm.open": "открыто сейчас", "pm.overdue": "просроченные контрольные точки", "pm.lost": "проиграно здесь",
		"pm.median": "медианное время здесь", "pm.scale": "от быстрого к медленному",
		"refusal.stage": "сделка на этапе", "refusal.step": "рекламация на шаге",
		"event.deal_opened": "Сделка открыта", "event.stage_entered": "Новый этап", "event.contract_signed": "Договор подписан",
		"event.contract_superseded": "Договор отложен", "event.dissatisfaction_detected": "Низкие оценки в анкете",
		"event.complaint_opened": "По анкете открыта рекламация", "event.complaint_not_opened": "Рекламацию по анкете открыть не удалось",
		"event.deal_won": "Сделка выиграна", "event.deal_lost": "Сделка проиграна", "event.deal_cancelled": "Сделка отменена",
		"event.offer_expired": "Предложение истекло", "event.payment_kept": "Оплата осталась у нас", "event.follow_up_done": "Повторный контакт состоялся",
		"event.complaint_registered": "Рекламация зарегистрирована", "event.recurrence_detected": "Повторная рекламация",
		"event.step_entered": "Новый шаг", "event.complaint_cancelled": "Рекламация отменена",
		"role.sales": "продажи", "role.manager": "руководитель", "role.admin": "администратор",
	},
}

// historyLabel is what the history shows for an entry of type typ: the
// action's label, or the system event's (event.<type>).
func historyLabel(lang, typ string) string {
	if s := translate(lang, "action."+typ); s != "action."+typ {
		return s
	}
	return textOr(lang, "event."+typ, typ)
}

// textOr is the text of key in lang, or fallback written as words (see
// human) when no catalogue has it: the labels of values a deployment's
// policy names (survey questions), which the catalogues cannot list.
func textOr(lang, key, fallback string) string {
	if s := translate(lang, key); s != key {
		return s
	}
	return human(fallback)
}
