package emulator

import (
	"encoding/json"
	"net/http"
)

// Admin routes for latency, rate limits and requests in flight.

func (e *Emulator) adminPacingRoutes() {
	a := AdminPrefix
	m := e.admin
	m.HandleFunc("GET "+a+"/latency", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"latency": e.Latency().String()})
	})
	m.HandleFunc("PUT "+a+"/latency", e.adminSetLatency)
	m.HandleFunc("GET "+a+"/in_flight", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, e.MaxInFlight())
	})
	m.HandleFunc("PUT "+a+"/rate_limits/{service}", func(w http.ResponseWriter, r *http.Request) {
		var rl RateLimit
		if err := decodeBody(r, &rl); err != nil {
			writeAdminError(w, http.StatusBadRequest, `body must be {"limit": n, "window": "1m", "status": 403|429}: `+err.Error())
			return
		}
		adminResult(w, e.ConfigureRateLimit(r.PathValue("service"), rl))
	})
	m.HandleFunc("DELETE "+a+"/rate_limits/{service}", func(w http.ResponseWriter, r *http.Request) {
		adminResult(w, e.ConfigureRateLimit(r.PathValue("service"), RateLimit{}))
	})
	m.HandleFunc("PUT "+a+"/github/secondary_rate_limit", func(w http.ResponseWriter, r *http.Request) {
		var sl SecondaryRateLimit
		if err := decodeBody(r, &sl); err != nil {
			writeAdminError(w, http.StatusBadRequest, "secondary rate limit: "+err.Error())
			return
		}
		adminResult(w, e.SetSecondaryRateLimit(sl))
	})
	m.HandleFunc("DELETE "+a+"/github/secondary_rate_limit", func(w http.ResponseWriter, _ *http.Request) {
		adminResult(w, e.SetSecondaryRateLimit(SecondaryRateLimit{}))
	})
}

func (e *Emulator) adminSetLatency(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Latency json.RawMessage `json:"latency"`
	}
	if err := decodeBody(r, &body); err != nil {
		writeAdminError(w, http.StatusBadRequest, `body must be {"latency": "50ms"}: `+err.Error())
		return
	}
	d, err := parseDurationJSON(body.Latency)
	if err != nil || d < 0 {
		writeAdminError(w, http.StatusBadRequest, `latency must be a duration such as "50ms" or a number of milliseconds`)
		return
	}
	e.SetLatency(d)
	writeNoContent(w)
}
