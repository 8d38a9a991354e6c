DROP TABLE distribution_entries;
DROP TABLE distribution_postings;
DROP TABLE distributions;
DROP TABLE hours_entries;
DROP TABLE fiscal_years;
