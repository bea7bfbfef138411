-- CASE 2 without an MTA: a trusted partner's message passes, a forged
-- Authentication-Results claiming our id is removed, ours is inserted
-- at the top, and a header of another authserv-id is left alone.
-- Defined with -D: socket, authserv.
conn = mt.connect(socket, 50, 0.1)
if conn == nil then error("cannot connect to " .. socket) end
if mt.negotiate(conn, nil, nil, nil) then error("negotiation failed") end
mt.conninfo(conn, "mx.partner.example", "192.0.2.7")
mt.helo(conn, "mx.partner.example")
mt.macro(conn, SMFIC_MAIL, "i", "QID2")
mt.mailfrom(conn, "<billing@partner.example>")
mt.rcptto(conn, "<alice@example.net>")
if mt.getreply(conn) ~= SMFIR_CONTINUE then error("partner refused at RCPT") end
mt.header(conn, "Authentication-Results", "other.example; spf=pass")
mt.header(conn, "Authentication-Results", authserv .. "; x-1dtn=pass (forged)")
mt.header(conn, "Subject", "invoice")
mt.eoh(conn)
mt.eom(conn)
if mt.getreply(conn) ~= SMFIR_CONTINUE then error("partner refused at end of data") end
if not mt.eom_check(conn, MT_HDRDELETE, "Authentication-Results") then
	error("the forged header was not removed")
end
if not mt.eom_check(conn, MT_HDRINSERT, "Authentication-Results") then
	error("no Authentication-Results inserted")
end
local ar = mt.getheader(conn, "Authentication-Results", 0)
if ar == nil then error("no Authentication-Results value") end
if not string.find(ar, authserv .. ";", 1, true) then error("wrong authserv-id: " .. ar) end
if not string.find(ar, "x-1dtn=pass", 1, true) then error("no x-1dtn=pass: " .. ar) end
if not string.find(ar, "spf=pass", 1, true) then error("no spf=pass: " .. ar) end
mt.echo(ar)
mt.disconnect(conn)
