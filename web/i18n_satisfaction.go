package web

import "github.com/salesflow/salesflow/models"

// satisfactionTexts are the texts of the yearly satisfaction pages (the
// survey list and page, the report) and of the survey's actions, fields,
// statuses, control point and history events, merged into catalogues.
// TestSatisfactionTextsComplete fails when one of internal/satisfaction's
// actions, fields, statuses or point kinds has no text in both languages.
var satisfactionTexts = map[string]map[string]string{
	models.LangEnglish: {
		"nav.surveys":           "Surveys",
		"action.record_survey":  "Record the client's answers",
		"action.decline_survey": "Close without answers",
		"point.yearly_survey":   "Yearly satisfaction survey",
		"event.survey_opened":   "Survey opened", "event.survey_cancelled": "Survey cancelled",
		"sstatus.open": "open", "sstatus.recorded": "recorded", "sstatus.declined": "declined",
		"stage.open": "open", "stage.recorded": "recorded", "stage.declined": "declined",
		"survey.title": "Satisfaction survey", "survey.owner": "Rep", "survey.product": "Product",
		"survey.opened": "Opened", "survey.low": "Low scores", "survey.complaint": "complaint",
		"survey.none": "No surveys.", "survey.answers": "The client's answers", "survey.question": "Question",
		"survey.score": "Score", "survey.declined_because": "Closed without answers",
		"satisfaction.title": "Yearly satisfaction", "satisfaction.as_of": "As of (end of day)",
		"satisfaction.coverage": "Coverage", "satisfaction.of": "of", "satisfaction.clients": "clients with a settlement in the last 12 months surveyed",
		"satisfaction.by_product": "By product", "satisfaction.by_question": "By question",
		"satisfaction.clients_paid": "Clients who paid", "satisfaction.surveyed": "Surveyed",
		"satisfaction.answers": "Answers", "satisfaction.average": "Average (1 to 5)",
		"satisfaction.none": "No figures in this period.", "satisfaction.bad_date": "Give the date as YYYY-MM-DD.",
	},
	models.LangRussian: {
		"nav.surveys":           "Анкеты",
		"action.record_survey":  "Внести ответы клиента",
		"action.decline_survey": "Закрыть без ответов",
		"point.yearly_survey":   "Ежегодное анкетирование",
		"event.survey_opened":   "Анкета открыта", "event.survey_cancelled": "Анкета отменена",
		"sstatus.open": "открыта", "sstatus.recorded": "заполнена", "sstatus.declined": "без ответов",
		"stage.open": "анкета открыта", "stage.recorded": "анкета заполнена", "stage.declined": "анкета без ответов",
		"survey.title": "Анкета удовлетворённости", "survey.owner": "Менеджер", "survey.product": "Продукт",
		"survey.opened": "Открыта", "survey.low": "Низкие оценки", "survey.complaint": "рекламация",
		"survey.none": "Анкет нет.", "survey.answers": "Ответы клиента", "survey.question": "Вопрос",
		"survey.score": "Оценка", "survey.declined_because": "Закрыта без ответов",
		"satisfaction.title": "Ежегодная удовлетворённость", "satisfaction.as_of": "На дату (конец дня)",
		"satisfaction.coverage": "Охват", "satisfaction.of": "из", "satisfaction.clients": "клиентов с расчётами за 12 месяцев опрошены",
		"satisfaction.by_product": "По продуктам", "satisfaction.by_question": "По вопросам",
		"satisfaction.clients_paid": "Клиентов с оплатой", "satisfaction.surveyed": "Опрошено",
		"satisfaction.answers": "Ответов", "satisfaction.average": "Средняя (от 1 до 5)",
		"satisfaction.none": "За этот период данных нет.", "satisfaction.bad_date": "Укажите дату в виде ГГГГ-ММ-ДД.",
	},
}

// init teaches the Russian pages the survey's control point subject.
func init() {
	sentences = append(sentences, sent(`Yearly satisfaction survey: (.+)`, "Ежегодное анкетирование: %s", ""))
}
