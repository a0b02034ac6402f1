# The summary reads the users through the app's session and the table sizes through the engine
# `table_sizes` builds for the sync library.
IMPORT = "tests.conftest:SUMMARY"
DATABASE = "app.db"
