"""Reading and writing files: specs and answers (YAML with positions), data files, outputs."""
