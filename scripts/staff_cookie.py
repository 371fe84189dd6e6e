"""Sign in to a running Awaaz and print the session cookie as NAME=VALUE (for scanners).

Usage: python scripts/staff_cookie.py BASE_URL EMAIL  (password on standard input)
"""

from __future__ import annotations

import http.cookiejar
import re
import sys
import urllib.parse
import urllib.request

AGENT = "awaaz-security-scan"


def main() -> None:
    base, email = sys.argv[1].rstrip("/"), sys.argv[2]
    password = sys.stdin.readline().rstrip("\n")
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    # Staff sessions are bound to the browser that signed in: the scanner must send the same.
    opener.addheaders = [("User-Agent", AGENT)]
    page = opener.open(f"{base}/staff/login").read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({"email": email, "password": password, "csrf_token": token})
    opener.open(f"{base}/staff/login", data=form.encode())
    cookie = next(c for c in jar if c.name.endswith("awaaz"))
    if opener.open(f"{base}/staff/").geturl().rstrip("/") != f"{base}/staff":
        sys.exit("sign-in failed")
    print(f"{cookie.name}={cookie.value}")


if __name__ == "__main__":
    main()
