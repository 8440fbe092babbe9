"""The terminal format: each kind of result as rich renderables (matrices in brackets, report
tables), laid out for the terminal's width; one module per kind (network, graph, check, answers
in check, train), each module's function named by the kind. The only place besides the CLI that
uses rich. The modules are imported only when used (backcalc.render's table names them), so
that a run loads only what it draws."""
