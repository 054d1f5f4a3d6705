package web

import "github.com/salesflow/salesflow/models"

// keyAccountTexts are the texts of the key-account pages, merged into the
// catalogues by init.
var keyAccountTexts = map[string]map[string]string{
	models.LangEnglish: {
		"ka.title": "Key-account assessment", "ka.latest": "Latest assessment", "ka.none": "Not assessed yet.",
		"ka.hint": "Each criterion 0–100%; each side's weighted average is strong from", "ka.history": "Assessments",
		"ka.quadrant": "Quadrant", "ka.client_score": "Client's position", "ka.our_score": "Our position",
		"ka.next_due": "Re-assess by", "ka.note": "Note", "ka.assess": "Assess", "ka.side.client": "The client's position (attractiveness)",
		"ka.side.ours": "Our position with the client", "ka.quadrant.key": "Key account", "ka.quadrant.target": "Target",
		"ka.quadrant.lower": "Lower square", "ka.report": "Key accounts", "ka.now": "Clients by quadrant",
		"ka.change": "Change per quarter", "ka.quarter": "Quarter", "ka.moves": "Moves", "ka.new": "first assessed",
		"ka.open": "Assess or see the history", "flash.assessed": "Assessment saved.", "point.reassessment": "Re-assess the key account",
		"admin.policy.key_accounts": "Key-account assessment (JSON)",
	},
	models.LangRussian: {
		"ka.title": "Оценка ключевого клиента", "ka.latest": "Последняя оценка", "ka.none": "Оценки ещё нет.",
		"ka.hint": "Каждый критерий 0–100%; средневзвешенное по стороне считается сильным от", "ka.history": "Оценки",
		"ka.quadrant": "Квадрант", "ka.client_score": "Позиция клиента", "ka.our_score": "Наша позиция",
		"ka.next_due": "Переоценить до", "ka.note": "Примечание", "ka.assess": "Оценить", "ka.side.client": "Позиция клиента (привлекательность)",
		"ka.side.ours": "Наша позиция у клиента", "ka.quadrant.key": "Ключевой", "ka.quadrant.target": "Целевой",
		"ka.quadrant.lower": "Нижняя часть квадрата", "ka.report": "Ключевые клиенты", "ka.now": "Клиенты по квадрантам",
		"ka.change": "Изменения по кварталам", "ka.quarter": "Квартал", "ka.moves": "Переходы", "ka.new": "первая оценка",
		"ka.open": "Оценить или посмотреть историю", "flash.assessed": "Оценка сохранена.", "point.reassessment": "Переоценить ключевого клиента",
		"admin.policy.key_accounts": "Оценка ключевых клиентов (JSON)",
	},
}
