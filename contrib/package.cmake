# SPDX-License-Identifier: GPL-2.0-or-later
# package.cmake: the Debian package, built by CPack from the install rules:
#     cmake -B build-deb -DCMAKE_INSTALL_PREFIX=/usr -DVG_UNIT_TESTS=OFF
#     cmake --build build-deb && (cd build-deb && cpack -G DEB)
# (docs/install.md; tests/integration/test_deb_package.py builds, installs
# and purges it). CPack rather than a debian/ directory: the install rules
# are the one list of what goes where, and dpkg-shlibdeps (dpkg-dev) is
# all it needs beyond cmake.
if(NOT CMAKE_INSTALL_PREFIX STREQUAL "/usr")
	message(STATUS "package: CMAKE_INSTALL_PREFIX is ${CMAKE_INSTALL_PREFIX}; "
	    "a .deb wants -DCMAKE_INSTALL_PREFIX=/usr")
endif()

set(CPACK_PACKAGE_NAME vigil)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "vigil")
set(CPACK_PACKAGE_CONTACT "vigil maintainers <vigil@localhost>"
    CACHE STRING "Maintainer field of the .deb")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "Linux audit daemon, a faster drop-in for auditd")
# the control file's long description: wrapped here, "." between paragraphs
set(CPACK_PACKAGE_DESCRIPTION "\
vigild reads the kernel's audit netlink stream, groups the records of\n\
each event, runs optional Lua filters and writes the events as JSON\n\
lines, auditd RAW/ENRICHED logs (ausearch and aureport keep working),\n\
syslog, a unix socket or Kafka. It honours an unchanged auditd.conf,\n\
rules.d and plugins.d. vigilctl is its auditctl-compatible control\n\
tool.\n\
.\n\
The service is installed but neither enabled nor started: only one\n\
audit daemon may run, so switching from auditd is a deliberate step\n\
(see /usr/share/doc/vigil/switching.md).")
set(CPACK_RESOURCE_FILE_LICENSE ${CMAKE_SOURCE_DIR}/LICENSE)
# absolute destinations (/etc, /lib/systemd) go under the staging root
set(CPACK_SET_DESTDIR ON)
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
set(CPACK_STRIP_FILES ON)

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
if(RDKAFKA_FOUND)
	# opened with dlopen() by the kafka output: dpkg-shlibdeps cannot see it
	set(CPACK_DEBIAN_PACKAGE_DEPENDS "librdkafka1")
endif()
# auditd: auditd.conf, rules.d and plugins.d that the installed vigild.conf
# reads (drop-in), and ausearch/aureport/augenrules for the log it writes
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "auditd")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "logrotate")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(VG_DEB_DIR ${CMAKE_BINARY_DIR}/deb)
foreach(f conffiles postinst prerm postrm)
	configure_file(${CMAKE_SOURCE_DIR}/contrib/deb/${f}.in ${VG_DEB_DIR}/${f}
	    @ONLY)
endforeach()
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA "${VG_DEB_DIR}/conffiles;\
${VG_DEB_DIR}/postinst;${VG_DEB_DIR}/prerm;${VG_DEB_DIR}/postrm")

set(CPACK_GENERATOR DEB)
include(CPack)
