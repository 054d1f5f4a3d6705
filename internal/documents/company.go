package documents

import (
	"fmt"
	"regexp"
	"strings"
)

// Company is the company's details every document states: who issues it,
// where to pay, and the VAT rate invoices and acts compute the tax at.
type Company struct {
	Name        string `json:"name" maxlen:"300"`
	INN         string `json:"inn" maxlen:"12"`
	KPP         string `json:"kpp,omitempty" maxlen:"9"`
	OGRN        string `json:"ogrn,omitempty" maxlen:"15"`
	Address     string `json:"address" maxlen:"500"`
	Bank        string `json:"bank" maxlen:"300"`
	BIK         string `json:"bik" maxlen:"9"`
	Account     string `json:"account" maxlen:"20"`
	CorrAccount string `json:"corr_account,omitempty" maxlen:"20"`
	Director    string `json:"director,omitempty" maxlen:"200"`
	Phone       string `json:"phone,omitempty" maxlen:"50"`
	Email       string `json:"email,omitempty" maxlen:"200"`
	// VATRate is the VAT rate in percent included in every amount (0: the
	// company pays no VAT and the documents say so).
	VATRate int `json:"vat_rate"`
}

// DefaultCompany is version 1 of the company's details: placeholders an
// admin replaces, at the general VAT rate of 22 %.
func DefaultCompany() Company {
	return Company{
		Name: "ООО «Компания»", INN: "7700000000", KPP: "770001001", OGRN: "1027700000000",
		Address: "119000, г. Москва, ул. Примерная, д. 1", Bank: "ПАО «Банк»", BIK: "044525000",
		Account: "40702810000000000000", CorrAccount: "30101810400000000225",
		Director: "Иванов И. И.", Phone: "+7 495 000-00-00", Email: "info@example.ru", VATRate: 22,
	}
}

var digitsOnly = regexp.MustCompile(`^[0-9]*$`)

// Problems names each field of c that is not valid, or returns nil: the
// name and address are required, INN is 10 or 12 digits, KPP and BIK 9,
// the accounts 20, OGRN 13 or 15, the VAT rate 0–30.
func (c Company) Problems() map[string]string {
	p := map[string]string{}
	if strings.TrimSpace(c.Name) == "" {
		p["name"] = "required"
	}
	if strings.TrimSpace(c.Address) == "" {
		p["address"] = "required"
	}
	digits := func(field, v string, lengths ...int) {
		if v == "" && field != "inn" {
			return
		}
		for _, n := range lengths {
			if len(v) == n && digitsOnly.MatchString(v) {
				return
			}
		}
		p[field] = fmt.Sprintf("must be %v digits", lengths)
	}
	digits("inn", c.INN, 10, 12)
	digits("kpp", c.KPP, 9)
	digits("ogrn", c.OGRN, 13, 15)
	digits("bik", c.BIK, 9)
	digits("account", c.Account, 20)
	digits("corr_account", c.CorrAccount, 20)
	if c.VATRate < 0 || c.VATRate > 30 {
		p["vat_rate"] = "must be between 0 and 30"
	}
	if len(p) == 0 {
		return nil
	}
	return p
}
