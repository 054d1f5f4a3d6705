package web

import "github.com/salesflow/salesflow/models"

// reportTexts are the texts of the dashboard and the admin pages, merged
// into catalogues (kept apart so the pages' catalogues grow without
// touching each other's lines).
var reportTexts = map[string]map[string]string{
	models.LangEnglish: {
		"reports.title": "Manager dashboard", "reports.filter": "Filter", "reports.from": "From", "reports.to": "To (inclusive)",
		"reports.owner": "Rep", "reports.team": "Team of", "reports.product": "Product", "reports.segment": "Segment",
		"reports.any": "Any", "reports.apply": "Show", "reports.period": "Period", "reports.csv": "Download CSV",
		"reports.funnel": "Funnel", "reports.deals": "Deals", "reports.open": "open", "reports.won": "won", "reports.lost": "Lost",
		"reports.cancelled": "cancelled", "reports.entered": "Entered", "reports.in_now": "There now", "reports.passed": "Passed",
		"reports.to_next": "To next", "reports.time": "Time in stage (median)",
		"reports.time.hint": "Median time the deals of the period spent in each stage before moving on.",
		"reports.losses":    "Losses by stage and reason", "reports.reason": "Reason", "reports.count": "Count",
		"reports.none": "Nothing in this selection.", "reports.overdue": "Overdue control points per rep", "reports.rep": "Rep",
		"reports.kpi": "KPIs per rep", "reports.kpi.initial": "Clients at presentation", "reports.kpi.first": "First sales",
		"reports.kpi.repeat": "Repeat sales", "reports.kpi.other": "Other-product sales", "reports.kpi.prospects": "Prospects converted",
		"reports.kpi.lost_restored": "Clients lost / restored", "reports.kpi.points": "Points on time / done",
		"reports.kpi.complaints": "Complaints / won deals", "reports.stuck": "Stuck deals", "reports.total": "Total",
		"reports.waiting_on": "Waiting on", "reports.days_idle": "Days idle", "reports.roadmap": "Client road map",
		"reports.next_step": "next step", "reports.more": "Next page", "reports.classes": "Client classes",
		"reports.as_of": "as of", "reports.category": "Category", "reports.complaints": "Complaints",
		"reports.closed": "closed", "reports.on_time": "on time", "reports.recurrences": "recurrences",
		"reports.per100": "per 100 won deals", "reports.measure": "Measure", "reports.median": "Median",
		"reports.to_ack": "Time to acknowledge", "reports.to_close": "Time to close", "reports.breakdown": "By",
		"reports.value": "Value", "reports.by_category": "category", "reports.by_severity": "severity",
		"reports.by_channel": "channel", "reports.by_step": "process step",
		"reports.chart.funnel": "Funnel: deals that entered each stage", "reports.chart.losses": "Deals lost in each stage",
		"reports.chart.time":         "Median time in each stage",
		"reports.stage.presentation": "Presentation", "reports.stage.offer": "Offer", "reports.stage.contract": "Contract",
		"reports.stage.payment": "Payment", "reports.stage.event": "Event", "reports.stage.close": "Closing",
		"reports.cell.not_offered": "not offered", "reports.cell.open": "open", "reports.cell.won": "won", "reports.cell.refused": "refused",

		"admin.staff": "Staff", "admin.policy": "Policy", "admin.audit": "Audit trail", "admin.staff.list": "Members",
		"admin.staff.new": "New member", "admin.name": "Name", "admin.role": "Role", "admin.manager": "Manager",
		"admin.email": "E-mail", "admin.active": "active", "admin.inactive": "deactivated", "admin.create": "Create",
		"admin.save": "Save", "admin.member.edit": "Member", "admin.tokens": "API tokens",
		"admin.token.issue": "Issue a token", "admin.token.issued": "Token issued",
		"admin.token.once": "Copy it now: it is shown this once and cannot be read again.", "admin.token.secret": "Token",
		"admin.token.created": "Issued", "admin.token.expires": "Expires", "admin.token.revoke": "Revoke",
		"admin.token.revoked": "revoked", "admin.token.none": "No tokens.",
		"admin.role.sales": "sales rep", "admin.role.manager": "manager", "admin.role.admin": "admin",
		"admin.policy.version": "Version", "admin.policy.history": "changes of this version in the audit trail",
		"admin.policy.deal": "Deals", "admin.policy.complaint": "Complaints", "admin.policy.calendar": "Business calendar (JSON)",
		"admin.policy.catalogs": "Catalogues (JSON)", "admin.audit.actor": "Who", "admin.audit.object": "Object ID",
		"admin.audit.action": "Action", "admin.audit.entries": "Entries, newest first",
		"admin.flash.created": "Member created.", "admin.flash.revoked": "Token revoked.", "admin.flash.policy": "Policy saved as a new version.",
	},
	models.LangRussian: {
		"reports.title": "Панель руководителя", "reports.filter": "Отбор", "reports.from": "С", "reports.to": "По (включительно)",
		"reports.owner": "Менеджер", "reports.team": "Команда", "reports.product": "Продукт", "reports.segment": "Сегмент",
		"reports.any": "Все", "reports.apply": "Показать", "reports.period": "Период", "reports.csv": "Скачать CSV",
		"reports.funnel": "Воронка", "reports.deals": "Сделок", "reports.open": "открыто", "reports.won": "выиграно", "reports.lost": "Проиграно",
		"reports.cancelled": "отменено", "reports.entered": "Вошло", "reports.in_now": "Сейчас", "reports.passed": "Прошло",
		"reports.to_next": "Конверсия", "reports.time": "Время на этапе (медиана)",
		"reports.time.hint": "Медианное время, которое сделки периода провели на этапе до перехода дальше.",
		"reports.losses":    "Потери по этапам и причинам", "reports.reason": "Причина", "reports.count": "Кол-во",
		"reports.none": "В этой выборке ничего нет.", "reports.overdue": "Просроченные контрольные точки по менеджерам", "reports.rep": "Менеджер",
		"reports.kpi": "Показатели менеджеров", "reports.kpi.initial": "Клиентов на презентации", "reports.kpi.first": "Первые продажи",
		"reports.kpi.repeat": "Повторные продажи", "reports.kpi.other": "Продажи других продуктов", "reports.kpi.prospects": "Конверсия потенциальных",
		"reports.kpi.lost_restored": "Клиенты потеряны / возвращены", "reports.kpi.points": "Точки в срок / выполнено",
		"reports.kpi.complaints": "Рекламации / выигранные сделки", "reports.stuck": "Зависшие сделки", "reports.total": "Всего",
		"reports.waiting_on": "Ждёт", "reports.days_idle": "Дней без движения", "reports.roadmap": "Дорожная карта клиентов",
		"reports.next_step": "след. шаг", "reports.more": "Следующая страница", "reports.classes": "Классы клиентов",
		"reports.as_of": "на", "reports.category": "Категория", "reports.complaints": "Рекламации",
		"reports.closed": "закрыто", "reports.on_time": "в срок", "reports.recurrences": "повторных",
		"reports.per100": "на 100 выигранных сделок", "reports.measure": "Показатель", "reports.median": "Медиана",
		"reports.to_ack": "До подтверждения", "reports.to_close": "До закрытия", "reports.breakdown": "Разрез",
		"reports.value": "Значение", "reports.by_category": "категория", "reports.by_severity": "серьёзность",
		"reports.by_channel": "канал", "reports.by_step": "этап процесса",
		"reports.chart.funnel": "Воронка: сделки, вошедшие в каждый этап", "reports.chart.losses": "Сделки, проигранные на каждом этапе",
		"reports.chart.time":         "Медианное время на каждом этапе",
		"reports.stage.presentation": "Презентация", "reports.stage.offer": "Предложение", "reports.stage.contract": "Договор",
		"reports.stage.payment": "Оплата", "reports.stage.event": "Мероприятие", "reports.stage.close": "Закрытие",
		"reports.cell.not_offered": "не предлагали", "reports.cell.open": "в работе", "reports.cell.won": "куплено", "reports.cell.refused": "отказ",

		"admin.staff": "Сотрудники", "admin.policy": "Регламент", "admin.audit": "Журнал аудита", "admin.staff.list": "Сотрудники",
		"admin.staff.new": "Новый сотрудник", "admin.name": "Имя", "admin.role": "Роль", "admin.manager": "Руководитель",
		"admin.email": "Эл. почта", "admin.active": "активен", "admin.inactive": "отключён", "admin.create": "Создать",
		"admin.save": "Сохранить", "admin.member.edit": "Сотрудник", "admin.tokens": "API-токены",
		"admin.token.issue": "Выпустить токен", "admin.token.issued": "Токен выпущен",
		"admin.token.once": "Скопируйте его сейчас: он показывается один раз и больше не читается.", "admin.token.secret": "Токен",
		"admin.token.created": "Выпущен", "admin.token.expires": "Действует до", "admin.token.revoke": "Отозвать",
		"admin.token.revoked": "отозван", "admin.token.none": "Токенов нет.",
		"admin.role.sales": "менеджер по продажам", "admin.role.manager": "руководитель", "admin.role.admin": "администратор",
		"admin.policy.version": "Версия", "admin.policy.history": "изменения этой версии в журнале аудита",
		"admin.policy.deal": "Сделки", "admin.policy.complaint": "Рекламации", "admin.policy.calendar": "Рабочий календарь (JSON)",
		"admin.policy.catalogs": "Справочники (JSON)", "admin.audit.actor": "Кто", "admin.audit.object": "ID объекта",
		"admin.audit.action": "Действие", "admin.audit.entries": "Записи, сначала новые",
		"admin.flash.created": "Сотрудник создан.", "admin.flash.revoked": "Токен отозван.", "admin.flash.policy": "Регламент сохранён новой версией.",
	},
}

// init merges the texts kept apart into catalogues, later parts over
// earlier ones.
func init() {
	parts := []map[string]map[string]string{vipTexts, documentTexts, keyAccountTexts,
		reportTexts, caseTexts, qualificationTexts, satisfactionTexts}
	for _, part := range parts {
		for lang, texts := range part {
			for k, v := range texts {
				catalogues[lang][k] = v
			}
		}
	}
}
