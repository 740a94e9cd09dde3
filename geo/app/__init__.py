"""The application layer: what the pages and the command line call. It opens the store the
settings name (or a location given), has it load and count the dataset, and runs the analysis on
what it gives; imports go through it so a database builds its GPS visits under this app's
rules."""
