package web

import "github.com/salesflow/salesflow/models"

// documentTexts are the texts of the generated documents on the deal page
// and of their history event.
var documentTexts = map[string]map[string]string{
	models.LangEnglish: {
		"gendoc.title": "Generated documents (PDF)", "gendoc.document": "Document", "gendoc.template": "Template",
		"gendoc.date": "Date", "gendoc.size": "Size", "gendoc.download": "Download",
		"gendoc.protocol": "Meeting protocol", "gendoc.offer": "Commercial offer", "gendoc.contract": "Contract",
		"gendoc.invoice": "Invoice", "gendoc.act": "Act", "gendoc.vat_invoice": "VAT invoice",
		"gendoc.questionnaire": "Satisfaction questionnaire", "gendoc.edition": "edition",
		"event.document_generated": "Document generated",
	},
	models.LangRussian: {
		"gendoc.title": "Сформированные документы (PDF)", "gendoc.document": "Документ", "gendoc.template": "Шаблон",
		"gendoc.date": "Дата", "gendoc.size": "Размер", "gendoc.download": "Скачать",
		"gendoc.protocol": "Протокол встречи", "gendoc.offer": "Коммерческое предложение", "gendoc.contract": "Договор",
		"gendoc.invoice": "Счёт", "gendoc.act": "Акт", "gendoc.vat_invoice": "Счёт-фактура",
		"gendoc.questionnaire": "Анкета удовлетворённости", "gendoc.edition": "редакция",
		"event.document_generated": "Документ сформирован",
	},
}

func init() {
	for lang, texts := range documentTexts {
		for k, v := range texts {
			catalogues[lang][k] = v
		}
	}
}
