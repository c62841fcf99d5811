module sluice.dev/tests/krustyextract

go 1.22
