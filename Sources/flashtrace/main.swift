print("flashtrace")
