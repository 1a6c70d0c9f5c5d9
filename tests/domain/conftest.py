# Domain tests are pure Python; they need no database and no Django settings.
