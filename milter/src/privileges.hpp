// Process setup a mail filter daemon owes its admin: detaching, the pid
// file, dropping root after the socket is open, and TCP_NODELAY on the
// listening socket so replies are not held back by delayed ACKs.
#pragma once

#include <string>

#include <tl/expected.hpp>

namespace milter {

// fork(), setsid(), stdin/stdout/stderr to /dev/null. The parent exits.
tl::expected<void, std::string> detach();

tl::expected<void, std::string> write_pid_file(std::string const &path);

// Gives a unix socket to `user` (mode 0660) so the MTA's group can
// connect once we run as that user. No-op for inet sockets.
tl::expected<void, std::string> hand_over_socket(std::string const &socket_spec,
                                                 std::string const &user);

// setgroups, setgid, setuid to `user`, then proves root cannot be
// regained. No-op when not running as root.
tl::expected<void, std::string> drop_privileges(std::string const &user);

// Sets TCP_NODELAY on every listening TCP socket this process holds;
// accepted connections inherit it on Linux. Returns how many.
int set_nodelay_on_listeners();

} // namespace milter
