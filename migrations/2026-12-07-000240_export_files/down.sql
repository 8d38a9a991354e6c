DROP TABLE export_files;
