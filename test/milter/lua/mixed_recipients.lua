-- Each recipient is decided on its own: the partner's message to a
-- domain that trusts it continues, the same message to a domain that
-- does not is refused, and the transaction goes on.
conn = mt.connect(socket, 50, 0.1)
if conn == nil then error("cannot connect to " .. socket) end
if mt.negotiate(conn, nil, nil, nil) then error("negotiation failed") end
mt.conninfo(conn, "mx.partner.example", "192.0.2.7")
mt.helo(conn, "mx.partner.example")
mt.mailfrom(conn, "<billing@partner.example>")
mt.rcptto(conn, "<alice@example.net>")
if mt.getreply(conn) ~= SMFIR_CONTINUE then error("first recipient refused") end
mt.rcptto(conn, "<bob@example.org>")
if mt.getreply(conn) ~= SMFIR_REPLYCODE then error("second recipient not refused") end
mt.rcptto(conn, "<postmaster@example.org>")
if mt.getreply(conn) ~= SMFIR_CONTINUE then error("postmaster refused") end
mt.eoh(conn)
mt.eom(conn)
if mt.getreply(conn) ~= SMFIR_CONTINUE then error("message refused at end of data") end
mt.disconnect(conn)
