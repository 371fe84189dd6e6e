"""What every room of the shell shares to speak HTTP: error answers (HTML or JSON), the
languages and their catalogues, choices for form fields, and the words a refused field gets."""
