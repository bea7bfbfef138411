#include "lab.hpp"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

namespace lab {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

fs::path env_path(const char *name, fs::path const &fallback)
{
	const char *value = std::getenv(name);
	return value != nullptr && *value != '\0' ? fs::path(value) : fallback;
}

// Binds a socket of `type` to 127.0.0.1:port (0 = any) and returns the
// fd, or -1.
int bind_loopback(int type, int port)
{
	int fd = ::socket(AF_INET, type, 0);
	if (fd < 0)
		return -1;
	sockaddr_in addr{};
	addr.sin_family = AF_INET;
	addr.sin_port = htons(static_cast<uint16_t>(port));
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (::bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0) {
		::close(fd);
		return -1;
	}
	return fd;
}

int bound_port(int fd)
{
	sockaddr_in addr{};
	socklen_t len = sizeof addr;
	::getsockname(fd, reinterpret_cast<sockaddr *>(&addr), &len);
	return ntohs(addr.sin_port);
}

[[noreturn]] void exec_child(std::vector<std::string> const &argv, fs::path const &log_file)
{
	int log = ::open(log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
	if (log >= 0) {
		::dup2(log, STDOUT_FILENO);
		::dup2(log, STDERR_FILENO);
		::close(log);
	}
	int devnull = ::open("/dev/null", O_RDONLY);
	if (devnull >= 0)
		::dup2(devnull, STDIN_FILENO);

	std::vector<char *> args;
	args.reserve(argv.size() + 1);
	for (auto const &a : argv)
		args.push_back(const_cast<char *>(a.c_str()));
	args.push_back(nullptr);
	::setpgid(0, 0);
	::execvp(args[0], args.data());
	std::fprintf(stderr, "exec %s: %s\n", args[0], std::strerror(errno));
	::_exit(127);
}

} // namespace

fs::path shared_dir()
{
	return env_path("ONEDALL_SHARED_DIR", source_dir() / ".." / "shared");
}

fs::path source_dir()
{
	return env_path("ONEDALL_SOURCE_DIR", fs::current_path());
}

fs::path binary_dir()
{
	return env_path("ONEDALL_BINARY_DIR", fs::current_path());
}

temp_dir::temp_dir(std::string const &prefix)
{
	std::string pattern = (fs::temp_directory_path() / (prefix + "-XXXXXX")).string();
	if (::mkdtemp(pattern.data()) == nullptr)
		throw std::runtime_error("mkdtemp: " + std::string(std::strerror(errno)));
	path_ = pattern;
	fs::permissions(path_, fs::perms::owner_all | fs::perms::group_read |
	                               fs::perms::group_exec | fs::perms::others_read |
	                               fs::perms::others_exec);
}

temp_dir::~temp_dir()
{
	if (std::getenv("ONEDALL_KEEP_LABS") != nullptr)
		return;
	std::error_code ignored;
	fs::remove_all(path_, ignored);
}

process::process(std::vector<std::string> const &argv, fs::path const &log_file)
{
	pid_ = ::fork();
	if (pid_ < 0)
		throw std::runtime_error("fork: " + std::string(std::strerror(errno)));
	if (pid_ == 0)
		exec_child(argv, log_file);
}

process::~process()
{
	stop();
}

bool process::running()
{
	if (reaped_)
		return false;
	pid_t r = ::waitpid(pid_, &status_, WNOHANG);
	if (r == pid_)
		reaped_ = true;
	return !reaped_;
}

int process::stop()
{
	if (!running())
		return status_;
	::kill(pid_, SIGTERM);
	if (wait_exit(5s) == -1 && running()) {
		::kill(pid_, SIGKILL);
		::waitpid(pid_, &status_, 0);
		reaped_ = true;
	}
	return status_;
}

int process::wait_exit(std::chrono::milliseconds timeout)
{
	auto deadline = std::chrono::steady_clock::now() + timeout;
	while (running()) {
		if (std::chrono::steady_clock::now() >= deadline)
			return -1;
		std::this_thread::sleep_for(10ms);
	}
	return WIFEXITED(status_) ? WEXITSTATUS(status_) : -1;
}

int run(std::vector<std::string> const &argv, fs::path const &log_file)
{
	pid_t pid = ::fork();
	if (pid < 0)
		return -1;
	if (pid == 0)
		exec_child(argv, log_file.empty() ? fs::path("/dev/null") : log_file);
	int status = 0;
	while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string capture(std::string const &shell_command, int *exit_code)
{
	std::string output;
	FILE *pipe = ::popen(shell_command.c_str(), "r");
	if (pipe == nullptr)
		return output;
	char buffer[4096];
	std::size_t n = 0;
	while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0)
		output.append(buffer, n);
	int status = ::pclose(pipe);
	if (exit_code != nullptr)
		*exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	return output;
}

int free_tcp_port()
{
	int fd = bind_loopback(SOCK_STREAM, 0);
	if (fd < 0)
		throw std::runtime_error("no free TCP port on 127.0.0.1");
	int port = bound_port(fd);
	::close(fd);
	return port;
}

int free_dns_port()
{
	for (int attempt = 0; attempt < 50; ++attempt) {
		int udp = bind_loopback(SOCK_DGRAM, 0);
		if (udp < 0)
			continue;
		int port = bound_port(udp);
		int tcp = bind_loopback(SOCK_STREAM, port);
		::close(udp);
		if (tcp >= 0) {
			::close(tcp);
			return port;
		}
	}
	throw std::runtime_error("no free UDP+TCP port pair on 127.0.0.1");
}

bool wait_for_tcp(std::string const &host, int port, std::chrono::milliseconds timeout)
{
	auto deadline = std::chrono::steady_clock::now() + timeout;
	while (std::chrono::steady_clock::now() < deadline) {
		int family = host.find(':') != std::string::npos ? AF_INET6 : AF_INET;
		int fd = ::socket(family, SOCK_STREAM, 0);
		int rc = -1;
		if (family == AF_INET) {
			sockaddr_in addr{};
			addr.sin_family = AF_INET;
			addr.sin_port = htons(static_cast<uint16_t>(port));
			::inet_pton(AF_INET, host.c_str(), &addr.sin_addr);
			rc = ::connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr);
		} else {
			sockaddr_in6 addr{};
			addr.sin6_family = AF_INET6;
			addr.sin6_port = htons(static_cast<uint16_t>(port));
			::inet_pton(AF_INET6, host.c_str(), &addr.sin6_addr);
			rc = ::connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr);
		}
		::close(fd);
		if (rc == 0)
			return true;
		std::this_thread::sleep_for(20ms);
	}
	return false;
}

bool wait_for_file(fs::path const &path, std::chrono::milliseconds timeout)
{
	auto deadline = std::chrono::steady_clock::now() + timeout;
	while (!fs::exists(path)) {
		if (std::chrono::steady_clock::now() >= deadline)
			return false;
		std::this_thread::sleep_for(20ms);
	}
	return true;
}

std::string read_file(fs::path const &path)
{
	std::ifstream in(path, std::ios::binary);
	std::ostringstream text;
	text << in.rdbuf();
	return text.str();
}

void write_file(fs::path const &path, std::string const &text)
{
	std::ofstream out(path, std::ios::binary | std::ios::trunc);
	out << text;
	if (!out)
		throw std::runtime_error("cannot write " + path.string());
}

bool have_program(std::string const &program)
{
	if (program.find('/') != std::string::npos)
		return ::access(program.c_str(), X_OK) == 0;
	int code = 0;
	capture("command -v '" + program + "' >/dev/null 2>&1", &code);
	return code == 0;
}

} // namespace lab
