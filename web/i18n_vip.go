package web

import "github.com/salesflow/salesflow/models"

// vipTexts are the texts of the VIP programme's pages and its catalogue
// (actions, fields, enum values, control points, history events), merged
// into catalogues by the init below.
var vipTexts = map[string]map[string]string{
	models.LangEnglish: {
		"nav.programmes": "VIP programme", "vip.intro": "Periodic structured interviews with every corporate client, held by someone other than its rep.",
		"vip.mine": "My interviews", "vip.no_mine": "No interviews are waiting for you.", "vip.owner": "Client's rep",
		"vip.programme": "Programme", "vip.record": "Record the interview", "vip.list": "Programmes", "vip.none": "No programmes yet.",
		"vip.name": "Name", "vip.lead": "Lead", "vip.selection": "Clients", "vip.period": "Period", "vip.period_no": "period",
		"vip.new": "New programme", "vip.categories": "Client categories", "vip.classes": "ABC classes",
		"vip.interview_due": "Interviews due after (default: the period)", "vip.create": "Create the programme",
		"vip.interviews_due": "interviews due", "vip.interviews": "Interviews of this period", "vip.interviewer": "Interviewer",
		"vip.outcomes": "Outcomes", "vip.no_interviews": "No client matches the selection in this period.",
		"vip.status.active": "active", "vip.status.closed": "closed",
		"vip.interview.pending": "pending", "vip.interview.held": "held", "vip.interview.skipped": "skipped", "vip.interview.missed": "missed",
		"vip.outcome.follow_up": "Follow-up", "vip.outcome.deal": "Deal", "vip.outcome.client": "New client", "vip.outcome.complaint": "Complaint",
		"vip.category.potential": "potential", "vip.category.new": "new", "vip.category.permanent": "permanent",
		"vip.category.lost": "lost", "vip.category.restored": "restored",
		"flash.programme_created": "Programme created.",

		"action.record_interview": "Record an interview", "action.reassign_interview": "Reassign an interview",
		"action.skip_interview": "Skip an interview", "action.complete_follow_up": "Follow-up done",
		"action.close_programme": "Close the programme",
		"field.client_id":        "Client (id)", "field.held_on": "Held on", "field.interviewer": "Interviewer (staff id)",
		"field.key_contacts": "Key contacts", "field.phone": "Phone", "field.email": "E-mail",
		"field.service_rating": "Service rating (1–5)", "field.service_comment": "How the client judges our service",
		"field.expansion_plans": "Plans for expansion", "field.upsell": "New offers and topics", "field.topic": "Topic",
		"field.product": "Product", "field.as": "Becomes", "field.referrals": "Referrals", "field.contact_person": "Contact person",
		"field.note": "Note", "field.complaint": "Complaint", "field.description": "Description", "field.category": "Category",
		"field.severity": "Severity", "field.point_id": "Follow-up (control point id)",
		"enum.as.follow_up": "a follow-up for the rep", "enum.as.deal": "a new deal for the rep",
		"enum.severity.low": "low", "enum.severity.normal": "normal", "enum.severity.high": "high", "enum.severity.critical": "critical",
		"point.interview": "VIP interview", "point.upsell_follow_up": "Upsell follow-up",
		"event.programme_opened": "Programme opened", "event.period_started": "Period started", "event.period_ended": "Period ended",
		"event.deal_opened": "Deal opened", "event.referral_created": "Referred client created",
		"event.programme_cancelled": "Programme cancelled", "event.interview_complaint_opened": "Complaint opened from the interview",
		"event.interview_complaint_not_opened": "The interview's complaint could not be opened",
	},
	models.LangRussian: {
		"nav.programmes": "VIP-программа", "vip.intro": "Регулярные структурированные встречи с каждым корпоративным клиентом; проводит не тот, кто ведёт клиента.",
		"vip.mine": "Мои встречи", "vip.no_mine": "Встреч, ждущих вас, нет.", "vip.owner": "Ведущий клиента",
		"vip.programme": "Программа", "vip.record": "Заполнить анкету", "vip.list": "Программы", "vip.none": "Программ пока нет.",
		"vip.name": "Название", "vip.lead": "Руководитель", "vip.selection": "Клиенты", "vip.period": "Период", "vip.period_no": "период",
		"vip.new": "Новая программа", "vip.categories": "Категории клиентов", "vip.classes": "Классы ABC",
		"vip.interview_due": "Срок встреч от начала периода (по умолчанию — весь период)", "vip.create": "Создать программу",
		"vip.interviews_due": "встречи до", "vip.interviews": "Встречи этого периода", "vip.interviewer": "Кто проводит",
		"vip.outcomes": "Результаты", "vip.no_interviews": "В этом периоде под отбор не попал ни один клиент.",
		"vip.status.active": "идёт", "vip.status.closed": "закрыта",
		"vip.interview.pending": "ожидает", "vip.interview.held": "проведена", "vip.interview.skipped": "пропущена", "vip.interview.missed": "не проведена",
		"vip.outcome.follow_up": "Контакт", "vip.outcome.deal": "Сделка", "vip.outcome.client": "Новый клиент", "vip.outcome.complaint": "Рекламация",
		"vip.category.potential": "потенциальный", "vip.category.new": "новый", "vip.category.permanent": "постоянный",
		"vip.category.lost": "потерянный", "vip.category.restored": "восстановленный",
		"flash.programme_created": "Программа создана.",

		"action.record_interview": "Заполнить VIP-анкету", "action.reassign_interview": "Передать встречу другому",
		"action.skip_interview": "Пропустить встречу", "action.complete_follow_up": "Контакт проведён",
		"action.close_programme": "Закрыть программу",
		"field.client_id":        "Клиент (id)", "field.held_on": "Дата встречи", "field.interviewer": "Интервьюер (id сотрудника)",
		"field.key_contacts": "Ключевые лица", "field.phone": "Телефон", "field.email": "Эл. почта",
		"field.service_rating": "Оценка обслуживания (1–5)", "field.service_comment": "Как клиент оценивает наше обслуживание",
		"field.expansion_plans": "Планы расширения", "field.upsell": "Новые предложения и темы", "field.topic": "Тема",
		"field.product": "Продукт", "field.as": "Что сделать", "field.referrals": "Рекомендации", "field.contact_person": "Контактное лицо",
		"field.note": "Примечание", "field.complaint": "Рекламация", "field.description": "Описание", "field.category": "Категория",
		"field.severity": "Важность", "field.point_id": "Контакт (id контрольной точки)",
		"enum.as.follow_up": "контакт для ведущего", "enum.as.deal": "новая сделка для ведущего",
		"enum.severity.low": "низкая", "enum.severity.normal": "обычная", "enum.severity.high": "высокая", "enum.severity.critical": "критическая",
		"point.interview": "VIP-встреча", "point.upsell_follow_up": "Контакт по допродаже",
		"event.programme_opened": "Программа открыта", "event.period_started": "Начался период", "event.period_ended": "Период завершён",
		"event.deal_opened": "Открыта сделка", "event.referral_created": "Создан рекомендованный клиент",
		"event.programme_cancelled": "Программа отменена", "event.interview_complaint_opened": "Открыта рекламация по итогам встречи",
		"event.interview_complaint_not_opened": "Рекламацию по итогам встречи открыть не удалось",
	},
}

// init adds the VIP texts to catalogues; a key the other catalogues
// already have keeps its text there (shared field names such as name,
// role, reason).
func init() {
	for lang, texts := range vipTexts {
		for k, v := range texts {
			if _, ok := catalogues[lang][k]; !ok {
				catalogues[lang][k] = v
			}
		}
	}
}
