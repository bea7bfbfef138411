-- One transaction: MAIL FROM `sender`, RCPT TO `rcpt`; the filter must
-- answer `expect` at RCPT: "refuse" (a reply code: 550 or 451, the
-- daemon log says which) or "continue". Defined with -D: socket, sender,
-- rcpt, expect, and optionally client_ip, helo, auth.
conn = mt.connect(socket, 50, 0.1)
if conn == nil then error("cannot connect to " .. socket) end
if mt.negotiate(conn, nil, nil, nil) then error("negotiation failed") end
mt.conninfo(conn, "client.example", client_ip or "192.0.2.7")
mt.helo(conn, helo or "client.example")
-- One macro packet per stage: a second one would replace the first.
if auth then
	mt.macro(conn, SMFIC_MAIL, "i", "QID1", "{auth_authen}", auth)
else
	mt.macro(conn, SMFIC_MAIL, "i", "QID1")
end
mt.mailfrom(conn, sender)
mt.rcptto(conn, rcpt)
local got = mt.getreply(conn)
if expect == "refuse" and got ~= SMFIR_REPLYCODE then
	error("expected a refusal at RCPT, got " .. string.char(got))
end
if expect == "continue" and got ~= SMFIR_CONTINUE then
	error("expected continue at RCPT, got " .. string.char(got))
end
mt.disconnect(conn)
