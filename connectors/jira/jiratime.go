package jira

import "time"

// parseJiraTime is time.Parse(jiraTime, v) for the instant: Jira writes its
// timestamps as "2026-11-20T10:00:00.000-0800", which is read here field by
// field; anything else (another length, a value out of range) goes to
// time.Parse, whose generic parser took a tenth of the connector's CPU
// reading changelog and comment times. The result is in UTC.
func parseJiraTime(v string) (time.Time, error) {
	if t, ok := readJiraTime(v); ok {
		return t, nil
	}
	t, err := time.Parse(jiraTime, v)
	return t.UTC(), err
}

// readJiraTime reads v of exactly the form "2006-01-02T15:04:05.000-0700"
// with every field in range; ok is false otherwise.
func readJiraTime(v string) (t time.Time, ok bool) {
	if len(v) != len("2006-01-02T15:04:05.000-0700") || v[4] != '-' || v[7] != '-' || v[10] != 'T' ||
		v[13] != ':' || v[16] != ':' || v[19] != '.' || (v[23] != '+' && v[23] != '-') {
		return t, false
	}
	num := func(from, to int) int {
		n := 0
		for i := from; i < to; i++ {
			c := v[i]
			if c < '0' || c > '9' {
				ok = false
				return 0
			}
			n = n*10 + int(c-'0')
		}
		return n
	}
	ok = true
	year, month, day := num(0, 4), num(5, 7), num(8, 10)
	hour, minute, sec, milli := num(11, 13), num(14, 16), num(17, 19), num(20, 23)
	zh, zm := num(24, 26), num(26, 28)
	if !ok || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || sec > 59 || zh > 23 || zm > 59 {
		return t, false
	}
	t = time.Date(year, time.Month(month), day, hour, minute, sec, milli*int(time.Millisecond), time.UTC)
	if t.Day() != day { // past the month's last day: Date normalised it
		return time.Time{}, false
	}
	offset := time.Duration(zh)*time.Hour + time.Duration(zm)*time.Minute
	if v[23] == '-' {
		offset = -offset
	}
	return t.Add(-offset), true
}
