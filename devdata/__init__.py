"""Generated worlds: the demo (seed_demo) and national-scale synthetic data
(generate_dataset), with their word lists. The top of the import order: it
uses every app's services and nothing imports it but bench/ and tests."""
