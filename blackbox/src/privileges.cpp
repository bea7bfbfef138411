#include <cerrno>
#include <cstring>

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include "blackbox/server.hpp"

namespace blackbox {

tl::expected<void, std::string> drop_privileges(std::string const &user)
{
	passwd *pw = ::getpwnam(user.c_str());
	if (pw == nullptr)
		return tl::make_unexpected("user " + user + " does not exist");
	uid_t uid = pw->pw_uid;
	gid_t gid = pw->pw_gid;
	if (::geteuid() != 0) {
		if (::geteuid() == uid)
			return {};
		return tl::make_unexpected("cannot become user " + user + ": not running as root");
	}
	if (uid == 0)
		return tl::make_unexpected("user " + user +
		                           " is root: choose an unprivileged account");
	// Supplementary groups first, then the group, then the user: once
	// the uid changes, the others can no longer be changed.
	if (::setgroups(1, &gid) != 0 || ::setgid(gid) != 0 || ::setuid(uid) != 0)
		return tl::make_unexpected("cannot become user " + user + ": " +
		                           std::strerror(errno));
	if (::setuid(0) == 0 || ::geteuid() != uid || ::getuid() != uid || ::getegid() != gid ||
	    ::getgid() != gid)
		return tl::make_unexpected("privileges were not dropped completely");
	return {};
}

} // namespace blackbox
