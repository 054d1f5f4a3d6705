package web

import "github.com/salesflow/salesflow/models"

// documentTexts are the texts of the generated documents on the deal page,
// their history event and the admin pages of templates and company details.
var documentTexts = map[string]map[string]string{
	models.LangEnglish: {
		"gendoc.title": "Generated documents (PDF)", "gendoc.document": "Document", "gendoc.template": "Template",
		"gendoc.date": "Date", "gendoc.size": "Size", "gendoc.download": "Download",
		"gendoc.protocol": "Meeting protocol", "gendoc.offer": "Commercial offer", "gendoc.contract": "Contract",
		"gendoc.invoice": "Invoice", "gendoc.act": "Act", "gendoc.vat_invoice": "VAT invoice",
		"gendoc.questionnaire": "Satisfaction questionnaire", "gendoc.edition": "edition",
		"event.document_generated":   "Document generated",
		"action.regenerate_document": "Generate a document again", "field.document": "Document",
		"field.document_version": "Document version (latest if empty)",
		"enum.document.protocol": "Meeting protocol", "enum.document.offer": "Commercial offer", "enum.document.contract": "Contract",
		"enum.document.invoice": "Invoice", "enum.document.act": "Act and VAT invoice", "enum.document.questionnaire": "Satisfaction questionnaire",
		"gendoc.admin": "Documents", "gendoc.templates": "Templates", "gendoc.saved": "Saved",
		"gendoc.default": "embedded default", "gendoc.company": "Company details", "gendoc.body": "Template text",
		"gendoc.save": "Save as a new version", "gendoc.versions": "Versions",
		"gendoc.layout":        "Go text/template. Lines: \"# \" title, \"## \" heading, \"| a | b |\" table row, \"---\" rule, \"> \" right-aligned, an empty line a gap. Functions: money, words, vat, net, percent, date, add.",
		"gendoc.flash.company": "Company details saved as a new version.", "gendoc.flash.template": "Template saved as a new version.",
		"gendoc.company.name": "Name", "gendoc.company.inn": "INN", "gendoc.company.kpp": "KPP", "gendoc.company.ogrn": "OGRN",
		"gendoc.company.address": "Address", "gendoc.company.bank": "Bank", "gendoc.company.bik": "BIK",
		"gendoc.company.account": "Account", "gendoc.company.corr_account": "Correspondent account",
		"gendoc.company.director": "Director", "gendoc.company.phone": "Phone", "gendoc.company.email": "E-mail",
		"gendoc.company.vat_rate": "VAT rate, %",
	},
	models.LangRussian: {
		"gendoc.title": "Сформированные документы (PDF)", "gendoc.document": "Документ", "gendoc.template": "Шаблон",
		"gendoc.date": "Дата", "gendoc.size": "Размер", "gendoc.download": "Скачать",
		"gendoc.protocol": "Протокол встречи", "gendoc.offer": "Коммерческое предложение", "gendoc.contract": "Договор",
		"gendoc.invoice": "Счёт", "gendoc.act": "Акт", "gendoc.vat_invoice": "Счёт-фактура",
		"gendoc.questionnaire": "Анкета удовлетворённости", "gendoc.edition": "редакция",
		"event.document_generated":   "Документ сформирован",
		"action.regenerate_document": "Сформировать документ заново", "field.document": "Документ",
		"field.document_version": "Версия документа (последняя, если пусто)",
		"enum.document.protocol": "Протокол встречи", "enum.document.offer": "Коммерческое предложение", "enum.document.contract": "Договор",
		"enum.document.invoice": "Счёт", "enum.document.act": "Акт и счёт-фактура", "enum.document.questionnaire": "Анкета удовлетворённости",
		"gendoc.admin": "Документы", "gendoc.templates": "Шаблоны", "gendoc.saved": "Сохранён",
		"gendoc.default": "встроенный по умолчанию", "gendoc.company": "Реквизиты компании", "gendoc.body": "Текст шаблона",
		"gendoc.save": "Сохранить новой версией", "gendoc.versions": "Версии",
		"gendoc.layout":        "Go text/template. Строки: «# » заголовок, «## » раздел, «| a | b |» строка таблицы, «---» линия, «> » по правому краю, пустая строка — отступ. Функции: money, words, vat, net, percent, date, add.",
		"gendoc.flash.company": "Реквизиты сохранены новой версией.", "gendoc.flash.template": "Шаблон сохранён новой версией.",
		"gendoc.company.name": "Наименование", "gendoc.company.inn": "ИНН", "gendoc.company.kpp": "КПП", "gendoc.company.ogrn": "ОГРН",
		"gendoc.company.address": "Адрес", "gendoc.company.bank": "Банк", "gendoc.company.bik": "БИК",
		"gendoc.company.account": "Расчётный счёт", "gendoc.company.corr_account": "Корр. счёт",
		"gendoc.company.director": "Руководитель", "gendoc.company.phone": "Телефон", "gendoc.company.email": "E-mail",
		"gendoc.company.vat_rate": "Ставка НДС, %",
	},
}

func init() {
	for lang, texts := range documentTexts {
		for k, v := range texts {
			catalogues[lang][k] = v
		}
	}
}
