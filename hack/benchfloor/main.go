// Command benchfloor is the floor kubestride's scan is measured against: it
// reads every manifest under its arguments and decodes each document into
// its typed k8s.io/api object with apimachinery's universal deserializer,
// and does nothing else. hack/bench.py times it beside kubestride scan on the
// same corpus.
package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/kubernetes/scheme"
)

func main() {
	decoder := scheme.Codecs.UniversalDeserializer()
	objects, failed := 0, 0
	for _, root := range os.Args[1:] {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() || !(strings.HasSuffix(path, ".yaml") || strings.HasSuffix(path, ".yml") || strings.HasSuffix(path, ".json")) {
				return nil
			}
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			r := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
			for {
				doc, err := r.Read()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					return fmt.Errorf("%s: %w", path, err)
				}
				if len(bytes.TrimSpace(doc)) == 0 {
					continue
				}
				if _, _, err := decoder.Decode(doc, nil, nil); err != nil {
					failed++
					continue
				}
				objects++
			}
			return nil
		})
		if err != nil {
			fmt.Fprintln(os.Stderr, "benchfloor:", err)
			os.Exit(2)
		}
	}
	fmt.Printf("decoded %d objects (%d failed)\n", objects, failed)
}
