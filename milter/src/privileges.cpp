#include "privileges.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

namespace milter {
namespace {

using error = tl::unexpected<std::string>;

std::string why()
{
	return std::strerror(errno);
}

std::string unix_path(std::string const &spec)
{
	for (std::string prefix : {"unix:", "local:"})
		if (spec.rfind(prefix, 0) == 0)
			return spec.substr(prefix.size());
	return {};
}

} // namespace

tl::expected<void, std::string> detach()
{
	pid_t child = fork();
	if (child < 0)
		return error("fork: " + why());
	if (child > 0)
		_exit(0);
	if (setsid() < 0)
		return error("setsid: " + why());
	int devnull = open("/dev/null", O_RDWR);
	if (devnull < 0)
		return error("/dev/null: " + why());
	dup2(devnull, STDIN_FILENO);
	dup2(devnull, STDOUT_FILENO);
	dup2(devnull, STDERR_FILENO);
	if (devnull > STDERR_FILENO)
		close(devnull);
	return {};
}

tl::expected<void, std::string> write_pid_file(std::string const &path)
{
	if (path.empty())
		return {};
	std::error_code ec;
	std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
	std::ofstream out(path, std::ios::trunc);
	if (!out)
		return error("cannot write pid file " + path + ": " + why());
	out << getpid() << '\n';
	out.close();
	if (!out)
		return error("cannot write pid file " + path);
	return {};
}

tl::expected<void, std::string> hand_over_socket(std::string const &socket_spec,
                                                 std::string const &user)
{
	std::string path = unix_path(socket_spec);
	if (path.empty())
		return {};
	if (chmod(path.c_str(), 0660) != 0)
		return error("chmod " + path + ": " + why());
	if (user.empty() || getuid() != 0)
		return {};
	passwd const *pw = getpwnam(user.c_str());
	if (pw == nullptr)
		return error("User " + user + " does not exist");
	if (chown(path.c_str(), pw->pw_uid, pw->pw_gid) != 0)
		return error("chown " + path + ": " + why());
	return {};
}

tl::expected<void, std::string> drop_privileges(std::string const &user)
{
	if (user.empty() || getuid() != 0)
		return {};
	passwd const *pw = getpwnam(user.c_str());
	if (pw == nullptr)
		return error("User " + user + " does not exist");
	uid_t uid = pw->pw_uid;
	gid_t gid = pw->pw_gid;
	if (uid == 0)
		return error("User " + user + " is root; pick an unprivileged user");
	if (initgroups(user.c_str(), gid) != 0)
		return error("initgroups " + user + ": " + why());
	if (setgid(gid) != 0)
		return error("setgid: " + why());
	if (setuid(uid) != 0)
		return error("setuid: " + why());
	if (setuid(0) == 0 || geteuid() == 0)
		return error("still able to regain root after dropping to " + user);
	return {};
}

int set_nodelay_on_listeners()
{
	int count = 0;
	long max_fd = sysconf(_SC_OPEN_MAX);
	if (max_fd < 0 || max_fd > 65536)
		max_fd = 65536;
	for (int fd = 3; fd < max_fd; ++fd) {
		int listening = 0;
		int domain = 0;
		socklen_t len = sizeof listening;
		if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) != 0 || !listening)
			continue;
		len = sizeof domain;
		if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) != 0 ||
		    (domain != AF_INET && domain != AF_INET6))
			continue;
		int on = 1;
		if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on) == 0)
			++count;
	}
	return count;
}

} // namespace milter
