"""
``make deploy-demo``: one schema change shipped under load twice, the safe way (expand, switch
the code with a graceful reload, contract) and the naive way (one migration), side by side.

``schema`` holds the SQL of both, ``seed`` the million order lines that make it matter,
``release`` the code of the release that uses the new column, ``demo`` the run and ``report``
its report. docs/migration-rules.md ("A deploy, measured") tells the story.
"""
