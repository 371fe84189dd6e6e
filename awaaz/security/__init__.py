"""Who someone is and what they may open: staff sign-in, server-side sessions and passwords;
the one access table every request passes; device tokens for tablets and partner systems; and
the keys that seal a tablet's ratings until the server opens them."""
