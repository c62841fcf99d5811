// Reference for sluice's kstatus port (operator/src/apply/health.h): runs the real
// sigs.k8s.io/cli-utils/pkg/kstatus/status.Compute on every case file named on the command line
// and checks that its result is the case's `expected` block. With -print it prints kstatus's
// result for each case instead, in the case-file spelling, to help write a new case.
// Used by ../check-against-kstatus; not part of the build.
package main

import (
	"flag"
	"fmt"
	"os"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	"sigs.k8s.io/cli-utils/pkg/kstatus/status"
	"sigs.k8s.io/yaml"
)

// outcome is what kstatus did with one object.
type outcome struct {
	result *status.Result
	err    error
	panic  any
}

func compute(object map[string]any) (out outcome) {
	defer func() {
		if p := recover(); p != nil {
			out.panic = p
		}
	}()
	out.result, out.err = status.Compute(&unstructured.Unstructured{Object: object})
	return out
}

// readCase decodes a case file as the API client decodes an object: YAML to JSON, then JSON
// numbers to int64 where they fit and float64 otherwise.
func readCase(path string) (map[string]any, error) {
	text, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	data, err := yaml.YAMLToJSON(text)
	if err != nil {
		return nil, err
	}
	var file map[string]any
	if err := utiljson.Unmarshal(data, &file); err != nil {
		return nil, err
	}
	return file, nil
}

// shiftCreation moves metadata.creationTimestamp by the difference between the real clock and
// the case's `now`, so that kstatus, which reads time.Now(), sees the age the case describes.
func shiftCreation(object map[string]any, now string) error {
	caseNow, err := time.Parse(time.RFC3339, now)
	if err != nil {
		return fmt.Errorf("now: %w", err)
	}
	created, found, err := unstructured.NestedString(object, "metadata", "creationTimestamp")
	if err != nil || !found {
		return nil
	}
	createdTime, err := time.Parse(time.RFC3339, created)
	if err != nil {
		return nil
	}
	shifted := createdTime.Add(time.Since(caseNow)).UTC().Format(time.RFC3339Nano)
	return unstructured.SetNestedField(object, shifted, "metadata", "creationTimestamp")
}

func str(m map[string]any, key string) string {
	s, _ := m[key].(string)
	return s
}

// check compares kstatus's outcome with the expected block; it returns "" when they agree.
func check(out outcome, expected map[string]any) string {
	switch want := str(expected, "kstatus"); want {
	case "error", "panic":
		got := "a result"
		if out.err != nil {
			got = "error: " + out.err.Error()
		} else if out.panic != nil {
			got = fmt.Sprint("panic: ", out.panic)
		}
		if (want == "error") != (out.err != nil) || (want == "panic") != (out.panic != nil) {
			return "kstatus gave " + got + ", the case says " + want
		}
		return ""
	case "":
	default:
		return "unknown expected.kstatus " + want
	}
	if out.err != nil || out.panic != nil {
		return fmt.Sprintf("kstatus failed: error %v, panic %v", out.err, out.panic)
	}
	r := out.result
	if string(r.Status) != str(expected, "status") {
		return fmt.Sprintf("status %q, expected %q", r.Status, str(expected, "status"))
	}
	if r.Message != str(expected, "message") {
		return fmt.Sprintf("message %q, expected %q", r.Message, str(expected, "message"))
	}
	condition, _ := expected["condition"].(map[string]any)
	if len(r.Conditions) == 0 && condition == nil {
		return ""
	}
	if len(r.Conditions) != 1 || condition == nil {
		return fmt.Sprintf("conditions %+v, expected %v", r.Conditions, condition)
	}
	c := r.Conditions[0]
	if string(c.Type) != str(condition, "type") || string(c.Status) != "True" ||
		c.Reason != str(condition, "reason") || c.Message != str(condition, "message") {
		return fmt.Sprintf("condition %+v, expected %v", c, condition)
	}
	return ""
}

func printResult(path string, out outcome) {
	fmt.Printf("# %s\nexpected:\n", path)
	switch {
	case out.err != nil:
		fmt.Printf("  kstatus: error  # %v\n", out.err)
		return
	case out.panic != nil:
		fmt.Printf("  kstatus: panic  # %v\n", out.panic)
		return
	}
	quote := func(s string) string { b, _ := utiljson.Marshal(s); return string(b) }
	fmt.Printf("  status: %s\n  message: %s\n", out.result.Status, quote(out.result.Message))
	for _, c := range out.result.Conditions {
		fmt.Printf("  condition: {type: %s, reason: %s, message: %s}  # status %s\n",
			c.Type, quote(c.Reason), quote(c.Message), c.Status)
	}
}

func main() {
	printOnly := flag.Bool("print", false, "print kstatus's result for each case instead of checking it")
	flag.Parse()
	failures := 0
	for _, path := range flag.Args() {
		file, err := readCase(path)
		if err != nil {
			fmt.Printf("FAIL %s: %v\n", path, err)
			failures++
			continue
		}
		object, ok := file["object"].(map[string]any)
		if !ok {
			fmt.Printf("FAIL %s: object is not a mapping\n", path)
			failures++
			continue
		}
		if now := str(file, "now"); now != "" {
			if err := shiftCreation(object, now); err != nil {
				fmt.Printf("FAIL %s: %v\n", path, err)
				failures++
				continue
			}
		}
		out := compute(object)
		if *printOnly {
			printResult(path, out)
			continue
		}
		expected, _ := file["expected"].(map[string]any)
		if problem := check(out, expected); problem != "" {
			fmt.Printf("FAIL %s: %s\n", path, problem)
			failures++
		} else {
			fmt.Printf("ok   %s\n", path)
		}
	}
	if !*printOnly {
		fmt.Printf("%d cases, %d failed\n", flag.NArg(), failures)
	}
	if failures > 0 {
		os.Exit(1)
	}
}
