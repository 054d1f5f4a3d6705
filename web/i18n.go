package web

import "github.com/salesflow/salesflow/models"

// catalogues are the pages' texts by language and key. Every key is in
// both (a test checks); a missing key shows as itself.
var catalogues = map[string]map[string]string{
	models.LangEnglish: {
		"app.name":       "salesflow",
		"nav.mywork":     "My work",
		"nav.pipeline":   "Pipeline",
		"nav.clients":    "Clients",
		"nav.complaints": "Complaints",
		"nav.reports":    "Reports",
		"nav.process":    "Process",
		"nav.admin":      "Admin",
		"nav.skip":       "Skip to content",
		"lang.switch":    "Language",
		"lang.apply":     "Switch",
		"logout":         "Sign out",

		"login.title":   "Sign in",
		"login.token":   "Staff API token",
		"login.hint":    "Paste the API token an admin issued you (or your identity provider's JWT).",
		"login.submit":  "Sign in",
		"login.refused": "Sign-in refused",
		"login.slow":    "Too many sign-in attempts; wait a moment and try again.",

		"error.title":   "Something went wrong",
		"error.404":     "Not found",
		"error.404.msg": "There is no such page, or it is not yours to see.",
		"error.403":     "Not allowed",
		"error.403.msg": "You may not do this.",
		"error.csrf":    "The form has expired; reload the page and try again.",
		"error.other":   "The request could not be completed.",
		"error.home":    "Back to My work",

		"flash.signed_out":  "You have signed out.",
		"flash.read":        "Marked as read.",
		"flash.read_all":    "All notifications marked as read.",
		"flash.lang":        "Language switched.",
		"flash.saved":       "Saved.",
		"mywork.title":      "My work",
		"mywork.points":     "Control points: overdue and due today",
		"mywork.no_points":  "No control points due today. Well done.",
		"mywork.notes":      "Unread notifications",
		"mywork.no_notes":   "No unread notifications.",
		"mywork.read":       "Mark read",
		"mywork.read_all":   "Mark all read",
		"mywork.waiting":    "Deals waiting on us",
		"mywork.no_waiting": "No deal waits on you.",
		"mywork.between":    "Clients between sales: next contacts this week",
		"mywork.no_between": "No next contacts planned this week.",
		"col.client":        "Client",
		"col.subject":       "What",
		"col.due":           "Due",
		"col.status":        "Status",
		"col.deal":          "Deal",
		"col.stage":         "Stage",
		"col.amount":        "Amount",
		"col.since":         "Waiting since",
		"col.next":          "Next contact",
		"col.purpose":       "Purpose",
		"col.when":          "When",
		"status.overdue":    "overdue",
		"status.open":       "open",
	},
	models.LangRussian: {
		"app.name":       "salesflow",
		"nav.mywork":     "Мои дела",
		"nav.pipeline":   "Воронка",
		"nav.clients":    "Клиенты",
		"nav.complaints": "Рекламации",
		"nav.reports":    "Отчёты",
		"nav.process":    "Процесс",
		"nav.admin":      "Администрирование",
		"nav.skip":       "К содержимому",
		"lang.switch":    "Язык",
		"lang.apply":     "Сменить",
		"logout":         "Выйти",

		"login.title":   "Вход",
		"login.token":   "API-токен сотрудника",
		"login.hint":    "Вставьте API-токен, выданный администратором (или JWT вашего провайдера идентификации).",
		"login.submit":  "Войти",
		"login.refused": "Вход отклонён",
		"login.slow":    "Слишком много попыток входа; подождите немного и попробуйте снова.",

		"error.title":   "Что-то пошло не так",
		"error.404":     "Не найдено",
		"error.404.msg": "Такой страницы нет или она вам недоступна.",
		"error.403":     "Нет доступа",
		"error.403.msg": "Вам это делать нельзя.",
		"error.csrf":    "Форма устарела; обновите страницу и попробуйте снова.",
		"error.other":   "Запрос не удалось выполнить.",
		"error.home":    "К моим делам",

		"flash.signed_out":  "Вы вышли.",
		"flash.read":        "Отмечено как прочитанное.",
		"flash.read_all":    "Все уведомления прочитаны.",
		"flash.lang":        "Язык изменён.",
		"flash.saved":       "Сохранено.",
		"mywork.title":      "Мои дела",
		"mywork.points":     "Контрольные точки: просроченные и на сегодня",
		"mywork.no_points":  "На сегодня контрольных точек нет.",
		"mywork.notes":      "Непрочитанные уведомления",
		"mywork.no_notes":   "Непрочитанных уведомлений нет.",
		"mywork.read":       "Прочитано",
		"mywork.read_all":   "Прочитать все",
		"mywork.waiting":    "Сделки ждут нас",
		"mywork.no_waiting": "Ни одна сделка вас не ждёт.",
		"mywork.between":    "Клиенты между продажами: контакты на этой неделе",
		"mywork.no_between": "На этой неделе контактов не запланировано.",
		"col.client":        "Клиент",
		"col.subject":       "Что",
		"col.due":           "Срок",
		"col.status":        "Статус",
		"col.deal":          "Сделка",
		"col.stage":         "Этап",
		"col.amount":        "Сумма",
		"col.since":         "Ждёт с",
		"col.next":          "Следующий контакт",
		"col.purpose":       "Цель",
		"col.when":          "Когда",
		"status.overdue":    "просрочена",
		"status.open":       "открыта",
	},
}

// translate returns the text of key in lang (Russian unless English),
// or key itself when no catalogue has it.
func translate(lang, key string) string {
	cat := catalogues[models.LangRussian]
	if lang == models.LangEnglish {
		cat = catalogues[models.LangEnglish]
	}
	if s, ok := cat[key]; ok {
		return s
	}
	return key
}
