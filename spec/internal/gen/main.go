// Command gen writes the OpenAPI document that package spec embeds: Stripe's
// Issuing document without its prose, merged with localissuing's own
// operations. It runs through go generate in package spec; see
// package docgen for what it keeps and drops.
//
// Usage:
//
//	go run ./internal/gen -in STRIPE.json -additions additions.json -out openapi.json
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/localissuing/localissuing/spec/internal/docgen"
)

func main() {
	in := flag.String("in", "", "Stripe's OpenAPI document (JSON)")
	additions := flag.String("additions", "", "localissuing's additions (JSON); optional")
	out := flag.String("out", "", "where to write the generated document")
	flag.Parse()
	if *in == "" || *out == "" || flag.NArg() > 0 {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*in, *additions, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(in, additions, out string) error {
	base, err := os.ReadFile(in)
	if err != nil {
		return fmt.Errorf("read base document: %w", err)
	}
	var add []byte
	if additions != "" {
		if add, err = os.ReadFile(additions); err != nil {
			return fmt.Errorf("read additions: %w", err)
		}
	}
	doc, err := docgen.Generate(base, add)
	if err != nil {
		return fmt.Errorf("generate from %s: %w", in, err)
	}
	if err := os.WriteFile(out, doc, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", out, err)
	}
	return nil
}
