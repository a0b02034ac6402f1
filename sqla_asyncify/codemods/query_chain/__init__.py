"""How ``query-to-select`` reads and rewrites a legacy query chain: parse, decide the shape, emit.

The transformer (``codemods/query_to_select.py``) drives these modules, one concern each:

* ``model``: the builder and terminal tables, and the small description of one chain
  (``_QueryChain``: root, links, usage, select-list shape) and of one query variable (``_VarInfo``);
* ``parse``: the chains of one function body and its query variables, read off the syntax tree
  into those descriptions (``ChainParsing``);
* ``shape``: the rules (rules §2.0 Rule S and Rule U, §2.2, §5): whether each chain converts
  exactly, its result shape, or the problem it is reported with (``ChainShape``);
* ``emit``: the 2.x expression for a chain that converts, built from the updated nodes (``_Renderer``).

Each module imports only the ones before it (``model ← parse ← shape ← emit``); the transformer
``QueryToSelect(ChainShape)`` adds the hooks, the decision (report or queue) and the replacement.
"""
