package web

import (
	"github.com/salesflow/salesflow/internal/api"
	"github.com/salesflow/salesflow/models"
)

// qualificationTexts are the texts of the qualification block and badge,
// merged into catalogues. The questions' own texts come from the policy
// (text, text_ru).
var qualificationTexts = map[string]map[string]string{
	models.LangEnglish: {
		"qual.title": "Qualification", "qual.bands": "Bands", "qual.total": "Points", "qual.band": "Band",
		"qual.by": "By", "qual.approval": "Manager's approval", "qual.none": "Not qualified yet.",
		"qual.new": "Qualify the client", "qual.submit": "Save the qualification",
		"qual.hint":         "Score each question from 0 (not at all) to 10 (fully), as things stand.",
		"qual.refused_hint": "The latest qualification is in the band refuse: a deal can be opened only after a manager's approval.",
		"qual.approve":      "Approve deals despite the band", "qual.reason": "Reason", "qual.approved": "approved",
		"band.excellent": "excellent", "band.workable": "workable", "band.doubtful": "doubtful", "band.refuse": "refuse",
		"flash.qualified": "Qualification saved.", "flash.qualification_approved": "Approval recorded.",
		"apierr." + api.CodeQualificationRefused: "Qualification refuses this client",
		"admin.policy.qualification":             "Prospect qualification",
	},
	models.LangRussian: {
		"qual.title": "Квалификация", "qual.bands": "Границы", "qual.total": "Баллы", "qual.band": "Оценка",
		"qual.by": "Кто", "qual.approval": "Одобрение руководителя", "qual.none": "Клиент ещё не оценён.",
		"qual.new": "Оценить перспективность клиента", "qual.submit": "Сохранить оценку",
		"qual.hint":         "Оцените каждый вопрос от 0 (совсем нет) до 10 (полностью) по тому, как обстоят дела.",
		"qual.refused_hint": "Последняя оценка — «отказаться»: сделку можно открыть только после одобрения руководителя.",
		"qual.approve":      "Разрешить сделки несмотря на оценку", "qual.reason": "Причина", "qual.approved": "одобрено",
		"band.excellent": "отличный", "band.workable": "рабочий", "band.doubtful": "сомнительный", "band.refuse": "отказаться",
		"flash.qualified": "Оценка сохранена.", "flash.qualification_approved": "Одобрение записано.",
		"apierr." + api.CodeQualificationRefused: "Квалификация не позволяет работать с клиентом",
		"admin.policy.qualification":             "Квалификация клиентов",
	},
}
