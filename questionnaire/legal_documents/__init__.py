"""The documents the law asks of a provider (content/documents/*.yaml: training-content summary, Art. 52
notification, serious-incident register, Model Report, copyright policy): their definitions, typed values,
checks and clocks (definitions, values, checks, deadlines: pure), saving, issuing and which were issued
(store), what an issued version looks like outside the tool (export), a document's form (forms) and the pages
(views)."""
