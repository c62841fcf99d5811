// Reference for sluice's envsubst port: reads cases (JSON list of {text, vars}) on stdin and
// prints them back with github.com/drone/envsubst's result (output, or error) added.
// Used by ../regenerate.sh; not part of the build.
package main

import (
	"encoding/json"
	"os"

	"github.com/drone/envsubst"
)

type testCase struct {
	Text   string            `json:"text"`
	Vars   map[string]string `json:"vars"`
	Output string            `json:"output"`
	Error  bool              `json:"error"`
}

func main() {
	var cases []testCase
	if err := json.NewDecoder(os.Stdin).Decode(&cases); err != nil {
		panic(err)
	}
	for i := range cases {
		c := &cases[i]
		out, err := envsubst.Eval(c.Text, func(name string) string { return c.Vars[name] })
		c.Error = err != nil
		c.Output = ""
		if err == nil {
			c.Output = out
		}
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", " ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(cases); err != nil {
		panic(err)
	}
}
