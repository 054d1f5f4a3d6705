package web

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/models"
)

// The API answers in English, with a machine-readable code, details
// (stage, step, allowed actions) and field errors keyed by the input's
// JSON path. Pages show a refusal in the page's language, leaving the
// API's JSON as it is:
//
//   - the message is the code's text (apierr.<code>), followed for the
//     codes that explain themselves (detailed) by why: the API's own
//     sentence on an English page, on a Russian one its translation (the
//     sentences below), or, for a refused action, where the case stands;
//   - a field's error is its sentence translated, or the API's text when
//     no sentence below matches it;
//   - an unknown code keeps the API's message.

// detailed are the codes whose message says why, beyond the code's text.
var detailed = map[string]bool{
	casework.CodeActionNotAllowed: true, casework.CodeInvalidInput: true,
	casework.CodeConflict: true, casework.CodeNotActiveStaff: true,
}

// sentence is one English sentence of the API and its Russian text: a
// format whose %s take the pattern's groups, each group first translated
// under its key prefix when it has one ("stage." makes "offer" the stage's
// name).
type sentence struct {
	re     *regexp.Regexp
	ru     string
	prefix []string
}

// sent builds a sentence from an anchored pattern.
func sent(pattern, ru string, prefix ...string) sentence {
	return sentence{re: regexp.MustCompile("^" + pattern + "$"), ru: ru, prefix: prefix}
}

// sentences are the API's sentences (its decoder's and the workflows'
// validators') a Russian page translates, the commonest first.
var sentences = []sentence{
	sent(`is required`, "обязательное поле"),
	sent(`is required \(RFC 3339 time\)`, "обязательное поле: дата и время"),
	sent(`is required \(true or false\)`, "обязательное поле: да или нет"),
	sent(`must not be empty`, "не может быть пустым"),
	sent(`must be one of (.+)`, "допустимые значения: %s", ""),
	sent(`must be (?:positive|greater than 0|greater than 0 when given)`, "должно быть больше нуля"),
	sent(`"(.*)": not a decimal amount with at most 2 decimals`, "«%s» — не сумма: нужно число, не больше двух знаков после точки", ""),
	sent(`"(.*)": amount too large`, "«%s» — слишком большая сумма", ""),
	sent(`must not be negative`, "не может быть отрицательным"),
	sent(`must be in the future`, "должно быть в будущем"),
	sent(`must not be in the future`, "не может быть в будущем"),
	sent(`must be at most (\d+) characters`, "не длиннее %s символов", ""),
	sent(`keys must be at most (\d+) characters`, "ключи не длиннее %s символов", ""),
	sent(`must be an RFC 3339 time such as .+`, "нужны дата и время"),
	sent(`must be an email address such as .+`, "нужен адрес e-mail, например name@example.com"),
	sent(`must be an ISO 4217 currency code such as .+`, "нужен код валюты ISO 4217, например RUB или EUR"),
	sent(`must be a number`, "нужно число"),
	sent(`must be (\d+)\.\.(\d+)`, "от %s до %s", "", ""),
	sent(`must be an integer`, "нужно целое число"),
	sent(`must be a string`, "нужен текст"),
	sent(`must be true or false`, "нужно «да» или «нет»"),
	sent(`must be an array`, "нужен список"),
	sent(`must be an object`, "нужен объект"),
	sent(`unknown field`, "неизвестное поле"),
	sent(`no such client`, "нет такого клиента"),
	sent(`no such deal`, "нет такой сделки"),
	sent(`the input is not valid`, "данные не приняты"),
	sent(`the deal is in stage (\w+), not (\w+)`, "сделка на этапе «%s», а не «%s»", "stage.", "stage."),
	sent(`the complaint is in step (\w+), not (\w+)`, "рекламация на шаге «%s», а не «%s»", "step.", "step."),
	sent(`the deal is (\w+)`, "сделка %s", "dealstatus."),
	sent(`the complaint is closed`, "рекламация закрыта"),
	sent(`is required when the reason is other`, "обязательно, если причина — «другое»"),
	sent(`is required when the outcome is later`, "обязательно для итога «Позже»"),
	sent(`is only for the outcome later`, "только для итога «Позже»"),
	sent(`is required for a (\w+)`, "обязательно для меры «%s»", "enum.remedy."),
	sent(`corrective actions are still open: (.+)`, "корректирующие действия ещё не выполнены: %s", ""),
	sent(`only a manager can decide that no process change is needed`, "решить, что процесс менять не нужно, может только руководитель"),
	sent(`is required: add a corrective action, or a manager explains why no process change is needed`,
		"обязательно: добавьте корректирующее действие или руководитель объясняет, почему процесс менять не нужно"),
	sent(`corrective actions were taken; close without this reason`, "корректирующие действия приняты; закройте без этой причины"),
	sent(`event items await the client's approval: (.+)`, "пункты мероприятия ждут согласования клиента: %s", ""),
	sent(`is before the last contact with the client \((.+)\)`, "раньше последнего контакта с клиентом (%s)", ""),
	sent(`name at least one approver`, "укажите хотя бы одного согласующего"),
	sent(`"(.+)" is not an approver of this contract \(approvers: (.+)\)`, "«%s» не согласует этот договор (согласующие: %s)", "", ""),
	sent(`score at least one question`, "оцените хотя бы один вопрос"),
	sent(`every question must be answered; missing: (.+)`, "ответьте на все вопросы; без ответа: %s", ""),
	sent(`score of "(.+)" must be 1\.\.5`, "оценка «%s» — от 1 до 5", ""),
	sent(`each percent must be between 1 and 100`, "каждый процент — от 1 до 100"),
	sent(`percents add up to (\d+), not 100`, "сумма процентов %s, а не 100", ""),
	sent(`nothing has been paid, so there is nothing to refund(?:; use lose instead)?`, "оплат не было, возвращать нечего"),
	sent(`the event has already been held`, "мероприятие уже проведено"),

	// The subjects of control points, as the workflows arm them.
	sent(`Contact the client`, "Связаться с клиентом"),
	sent(`Send the meeting protocol`, "Отправить протокол встречи"),
	sent(`Retry the declined presentation`, "Повторить отклонённую презентацию"),
	sent(`Offer v(\d+) validity ends`, "Истекает срок предложения v%s", ""),
	sent(`Revise offer v(\d+)`, "Доработать предложение v%s", ""),
	sent(`Revise contract revision (\d+)`, "Доработать редакцию договора %s", ""),
	sent(`Invoice (\S+) \((.+)\) due`, "Срок оплаты счёта %s (%s)", "", ""),
	sent(`Hold the event on (\S+)`, "Провести мероприятие %s", ""),
	sent(`Get the client's approval of every event item`, "Согласовать с клиентом все пункты мероприятия"),
	sent(`Assess the client's satisfaction`, "Узнать, доволен ли клиент"),
	sent(`Follow-up contact with the client`, "Повторный контакт с клиентом"),
	sent(`Follow-up contact with the client: (.+)`, "Повторный контакт с клиентом: %s", ""),
	sent(`Acknowledge the complaint to the client`, "Подтвердить клиенту получение рекламации"),
	sent(`Investigate the root cause of the complaint`, "Найти корневую причину рекламации"),
	sent(`Eliminate the cause of the complaint for the client`, "Устранить причину рекламации для клиента"),
	sent(`Get the client's confirmation of the remedy`, "Получить согласие клиента с решением"),
	sent(`Eliminate the process flaw behind the complaint`, "Устранить недостаток процесса, вызвавший рекламацию"),
	sent(`Corrective action: (.+)`, "Корректирующее действие: %s", ""),
	sent(`Yearly satisfaction survey: (.+)`, "Ежегодное анкетирование: %s", ""),
}

// inLang is an API sentence (a field's error, a control point's subject)
// in lang: translated on a Russian page when a sentence matches, else as
// the API wrote it.
func inLang(lang, msg string) string {
	if lang != models.LangEnglish {
		if t := translated(msg); t != "" {
			return t
		}
	}
	return msg
}

// translated is the Russian text of an API sentence, "" when none
// matches.
func translated(msg string) string {
	for _, st := range sentences {
		m := st.re.FindStringSubmatch(msg)
		if m == nil {
			continue
		}
		args := make([]any, len(m)-1)
		for i, g := range m[1:] {
			args[i] = g
			if i < len(st.prefix) && st.prefix[i] != "" {
				args[i] = translate(models.LangRussian, st.prefix[i]+g)
			}
		}
		return fmt.Sprintf(st.ru, args...)
	}
	return ""
}

// localize rewrites an API error for a page in lang: its message and its
// field errors (see the rules above). The API's own answer is left as
// sent; only what the page shows changes.
func localize(lang string, e *APIError) {
	for k, v := range e.Fields {
		e.Fields[k] = inLang(lang, choices(lang, k, v))
	}
	head := translate(lang, "apierr."+e.Code)
	if head == "apierr."+e.Code {
		return
	}
	why := ""
	if detailed[e.Code] && !(e.Code == casework.CodeInvalidInput && len(e.Fields) > 0) {
		why = e.Message
		if lang != models.LangEnglish {
			why = translated(e.Message)
		}
		if why == "" {
			why = where(lang, e)
		}
	}
	e.Message = head
	if why != "" {
		e.Message += ": " + why
	}
}

// oneOf is the API's sentence of a value outside a field's enum.
var oneOf = regexp.MustCompile(`^must be one of (.+)$`)

// choices writes the values a "must be one of" error of field lists as
// its select shows them (enum.<field>.<value>); any other message is
// left as it is.
func choices(lang, field, msg string) string {
	m := oneOf.FindStringSubmatch(msg)
	if m == nil {
		return msg
	}
	name := field[strings.LastIndexAny(field, ".]")+1:]
	values := strings.Split(m[1], ", ")
	for i, v := range values {
		if t := translate(lang, "enum."+name+"."+v); t != "enum."+name+"."+v {
			values[i] = t
		}
	}
	return "must be one of " + strings.Join(values, ", ")
}

// where says where the case stands, from a refusal's details: the deal's
// stage or the complaint's step, "" when the details name neither.
func where(lang string, e *APIError) string {
	switch {
	case e.Details.Stage != "":
		return translate(lang, "refusal.stage") + " «" + translate(lang, "stage."+e.Details.Stage) + "»"
	case e.Details.Step != "":
		return translate(lang, "refusal.step") + " «" + translate(lang, "step."+e.Details.Step) + "»"
	}
	return ""
}
