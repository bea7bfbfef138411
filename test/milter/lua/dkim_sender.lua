-- A sender whose declaration asks for DKIM is not refused at RCPT, but
-- without a DKIM verdict the message gets a temporary failure at end of
-- data: never a silent pass.
conn = mt.connect(socket, 50, 0.1)
if conn == nil then error("cannot connect to " .. socket) end
if mt.negotiate(conn, nil, nil, nil) then error("negotiation failed") end
mt.conninfo(conn, "mx.signed.example", "192.0.2.8")
mt.helo(conn, "mx.signed.example")
mt.mailfrom(conn, "<news@signed.example>")
mt.rcptto(conn, "<alice@example.net>")
if mt.getreply(conn) ~= SMFIR_CONTINUE then error("refused at RCPT") end
mt.header(conn, "Subject", "signed")
mt.eoh(conn)
mt.eom(conn)
-- A reply code (the daemon log shows it is 451 4.7.1), not continue.
if mt.getreply(conn) ~= SMFIR_REPLYCODE then
	error("expected a temporary failure at end of data, got " .. string.char(mt.getreply(conn)))
end
mt.disconnect(conn)
