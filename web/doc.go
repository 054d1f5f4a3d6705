// Package web is the salesflow web app: server-rendered pages (Go
// html/template, plain HTML forms, POST-redirect-GET) served by the API
// server itself at /, with its templates and static files embedded.
//
// Every page gets its data and makes every change THROUGH THE API, in
// process (apiCall): the request carries the browser's session cookie,
// the session's CSRF token and the form's Idempotency-Key, so the API's
// validators, scope (a foreign object is the API's 404, shown as the 404
// page), audit and idempotency apply to pages exactly as to API clients.
//
// Adding a page — the extension points:
//
//  1. Write web/templates/<page>.html defining the blocks "title" and
//     "content" (and optionally "head"); it is rendered inside
//     layout.html, whose data is a Page: .Me (the member), .Lang, .CSRF,
//     .Flash, .Nav, and .Data (what the handler passes). Translate with
//     {{$.T "key"}} and add the keys to both text files, web/i18n/en.json
//     and web/i18n/ru.json (loaded by i18n.go).
//  2. Write the handler as a method of *app in web/<page>.go: read with
//     a.apiCall(c, "GET", "/api/v1/...", nil, &into); on an error call
//     a.apiFailed(c, apiErr) (401 → sign-in, 404/403 → those pages);
//     render with a.render(c, http.StatusOK, "<page>.html", data).
//  3. Register the route in routes() in web.go: signed-in pages go on
//     the group returned by a.pages (session required; every POST must
//     carry the CSRF hidden field, checked there — use the template
//     {{template "csrf" $}}). A form that creates something also carries
//     {{template "idem" $}}: a hidden idempotency_key generated when the
//     form is rendered, forwarded by apiCall as Idempotency-Key, so a
//     double submit applies once.
//  4. A POST handler ends with a.redirect(c, path, flashKey) (303); on an
//     API refusal (422/409) it re-renders the page with the APIError's
//     Message and Fields beside the form, keeping what the user typed
//     (a.submitted does this for a form POST; the template
//     {{template "alert" $f.Err}} shows the message).
//
// Case pages (deal.go, complaint.go, casepage.go, forms.go) are generic
// over case types: a caseKind names the API path segment, the action
// catalogue and the page. Their action forms are GENERATED from the API's
// GET …/{id}/actions (forms.go says how each field type becomes an input;
// a datetime-local input is read in the company calendar's time zone, the
// policy's calendar.time_zone, and sent as RFC 3339); every form carries
// the CSRF token and an idempotency key made at render time. Both case
// pages render their working part with ONE template, {{template
// "case_work" $}} (case_forms.html), from one view model, caseWork (the
// forms, the control points, the history); a page adds its own records
// between the control points and the history by defining the block
// "case_records". The fragment files named in fragments (render.go:
// process_map.html, case_forms.html) are parsed with every page, as is
// {{template "process_map" ...}} (with {{template "process_map_head"}} in
// the page's "head" block).
//
// Languages: a page's language is the member's preference (pageLang). The
// generated parts are labelled from the text files (action.<name>,
// field.<name>, enum.<field>.<value>, point.<kind>; a test fails when a
// catalogue action, field, enum value or an API error code has no text in
// both languages), and every API error a page receives is rewritten for
// its language in apiCall by its code and fields (apierrors.go), the API's
// JSON staying English.
//
// Opening a deal has one path: GET /deals/new?client_id= (linked from the
// client page) and POST /deals.
//
// Sessions (session.go) are rows of models.WebSession; the cookie
// api.SessionCookie holds the session's secret, HttpOnly, SameSite=Strict,
// Path=/, and Secure unless the request's host is localhost, 127.0.0.1 or
// [::1] (plain-HTTP development). WEB_SESSION_IDLE and WEB_SESSION_MAX
// bound a session's life.
package web
