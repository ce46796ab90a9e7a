"""The assessment report: what it shows, from the frozen snapshot only (content), its HTML and what its PDF
is rendered from (pdf), its snapshot and hash, asking for it and verifying a PDF or a hash (services), and its
pages (views, forms)."""
