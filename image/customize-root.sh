#!/bin/sh
# image/customize-root.sh: turns the arm64 root file system that
# image/build.sh makes with mmdebstrap into the appliance's. mmdebstrap runs
# it as a hook (root, /proc and /dev mounted in ROOT, qemu-user through
# binfmt_misc for chroot):
#
#   customize-root.sh essential ROOT            after the essential packages,
#                                               before the kernel and echowall
#   customize-root.sh finish ROOT yes|no PASSWORD_FILE
#                                               after all packages (yes: the
#                                               boot firmware is installed)
#
# The read-only root: overlayroot. Debian 12 does ship it (package
# overlayroot, source cloud-initramfs-tools, as in Ubuntu): an initramfs-tools
# hook that mounts the real root read-only at /media/root-ro and lays a tmpfs
# over it, so every write to / lands in RAM and is gone at the next boot,
# and no service fails on a read-only file system. `recurse=0` leaves the
# other file systems alone: the data partition (ext4) is written for real,
# and it is the one place anything lasts. It is mounted at
# /var/lib/echowall-data (root's) and holds two folders, each bound where
# the package expects it: echowall/ at /var/lib/echowall (the kiosk's: its
# database, keys, the clock file, its update spool) and update/ at
# /var/lib/echowall-update (the update helper's, root's: the installed
# package to roll back to, the pinned town key, the outcome). The fstab also says `ro` for the
# root, so that with overlayroot switched off (`overlayroot=disabled` on the
# kernel command line, for a technician) the root is still read-only. The
# journal stays in RAM (16 MiB). A package is installed into the real root
# with overlayroot-chroot (an update by stick must use it), never with plain
# dpkg, whose work would vanish at the next boot (the update helper does
# both: systemd/libexec/echowall-update).
#
# The data partition grows to the card at first boot
# (echowall-grow-data.service, image/grow-data). The root account gets the
# password build.sh made for this build (PASSWORD_FILE, beside the image),
# hashed here by the root's own chpasswd (SHA-512 crypt).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
stage=${1:?usage: customize-root.sh essential|finish ROOT [yes|no]}
root=${2:?usage: customize-root.sh essential|finish ROOT [yes|no]}

case $stage in
essential)
    # Written before the kernel is installed, so that initramfs-tools sees the
    # root's file system type and puts its fsck into the initramfs.
    cat >"$root/etc/fstab" <<'EOF'
# echowall appliance (image/customize-root.sh): read-only root (overlayroot
# lays a tmpfs over it); the data partition at /var/lib/echowall-data, its
# echowall/ bound at /var/lib/echowall (the kiosk's) and its update/ at
# /var/lib/echowall-update (the update helper's, root's); scratch in RAM.
LABEL=ew-root                    /                         ext4   ro,noatime                               0 1
LABEL=EW-BOOT                    /boot/firmware            vfat   ro,noatime,nofail,umask=0022             0 2
LABEL=ew-data                    /var/lib/echowall-data    ext4   rw,noatime,nosuid,nodev,noexec           0 2
/var/lib/echowall-data/echowall  /var/lib/echowall         none   bind,nosuid,nodev,noexec,x-systemd.requires-mounts-for=/var/lib/echowall-data 0 0
/var/lib/echowall-data/update    /var/lib/echowall-update  none   bind,nosuid,nodev,noexec,x-systemd.requires-mounts-for=/var/lib/echowall-data 0 0
tmpfs                            /tmp                      tmpfs  nosuid,nodev,size=64M,mode=1777          0 0
tmpfs                            /var/tmp                  tmpfs  nosuid,nodev,size=16M,mode=1777          0 0
tmpfs                            /var/log                  tmpfs  nosuid,nodev,noexec,size=32M,mode=0755   0 0
EOF
    # The initramfs is made once, at the end (finish), with fstab,
    # overlayroot and the firmware's settings in place: until then
    # update-initramfs is diverted to a stub. (Made under qemu-user it takes
    # many minutes, and the kernel's postinst and every package that
    # triggers it would each make it again.)
    chroot "$root" dpkg-divert --quiet --local --rename \
        --divert /usr/sbin/update-initramfs.echowall --add /usr/sbin/update-initramfs
    printf '#!/bin/sh\n# echowall image build: the initramfs is made at the end (image/customize-root.sh)\nexit 0\n' \
        >"$root/usr/sbin/update-initramfs"
    chmod 0755 "$root/usr/sbin/update-initramfs"
    echo echowall >"$root/etc/hostname"
    printf '127.0.0.1\tlocalhost\n127.0.1.1\techowall\n::1\t\tlocalhost ip6-localhost ip6-loopback\n' \
        >"$root/etc/hosts"
    ;;
finish)
    firmware=${3:?usage: customize-root.sh finish ROOT yes|no PASSWORD_FILE}
    password=${4:?usage: customize-root.sh finish ROOT yes|no PASSWORD_FILE}
    # The mount points (fstab above): the data partition's, root's and only
    # root's to write, and the two folders bound from it.
    mkdir -p "$root/var/lib/echowall-data" "$root/var/lib/echowall" "$root/var/lib/echowall-update"
    chmod 0755 "$root/var/lib/echowall-data" "$root/var/lib/echowall-update"
    # The data partition grows to fill the card at first boot (a no-op at
    # every later boot): image/grow-data, run by echowall-grow-data.service.
    install -m 0755 "$here/grow-data" "$root/usr/local/sbin/echowall-grow-data"
    install -m 0644 "$here/echowall-grow-data.service" "$root/etc/systemd/system/echowall-grow-data.service"
    chroot "$root" systemctl enable echowall-grow-data.service
    # The technician's root password, this build's own (build.sh made it;
    # never one kept in the repository): hashed by the root's chpasswd.
    [ -s "$password" ] || { echo "customize-root.sh: no password in $password" >&2; exit 1; }
    printf 'root:%s\n' "$(head -n 1 "$password")" | chroot "$root" chpasswd -c SHA512
    # The kiosk starts at boot (the package enables nothing itself).
    # systemctl makes the links offline; the package's postinst has already
    # recorded them for deb-systemd-helper, so a purge removes them.
    # (deb-systemd-helper enable would ask `systemctl preset` on a first
    # install, and systemd's presets leave the kiosk disabled.)
    chroot "$root" systemctl enable echowall.service
    ln -sfn /lib/systemd/system/multi-user.target "$root/etc/systemd/system/default.target"
    # Units that would only write into RAM or have no business on a kiosk:
    # the random seed (the Pi's kernel has a hardware generator),
    # apt's and dpkg's daily jobs, e2scrub (needs LVM).
    for unit in systemd-random-seed.service apt-daily.timer apt-daily-upgrade.timer \
        dpkg-db-backup.timer e2scrub_all.timer e2scrub_reap.service; do
        ln -sfn /dev/null "$root/etc/systemd/system/$unit"
    done
    # The journal in RAM (journald.conf.d/echowall.conf caps it at 16 MiB),
    # which it would be on the overlay anyway.
    mkdir -p "$root/etc/systemd/journald.conf.d"
    printf '# echowall image: the root is read-only; the journal stays in RAM.\n[Journal]\nStorage=volatile\n' \
        >"$root/etc/systemd/journald.conf.d/echowall-image.conf"
    # overlayroot (see the top), read at boot from the real root.
    printf '# echowall image (image/customize-root.sh): / in RAM over the read-only\n# root; other file systems (the data partition) written for real.\noverlayroot="tmpfs:recurse=0"\n' \
        >"$root/etc/overlayroot.local.conf"
    # Every card gets its own machine id at each boot (an empty file on a
    # read-only root: systemd makes one in RAM); no two cards share one.
    : >"$root/etc/machine-id"
    rm -f "$root/var/lib/dbus/machine-id"
    # The boot firmware's settings, read by its hook when the initramfs is
    # made below, which writes /boot/firmware (config.txt, cmdline.txt,
    # kernel, initramfs, device trees). The root by label; a serial console
    # for a technician, the screen last (boot messages and an emergency
    # shell); no cma= (the kernel's default; a fixed 64M can keep a Pi 4 from
    # booting); the root read-only (after the hook's own `rw`), quiet.
    if [ "$firmware" = yes ]; then
        cat >>"$root/etc/default/raspi-firmware" <<'EOF'

# echowall image (image/customize-root.sh)
ROOTPART=LABEL=ew-root
CONSOLES="ttyS1,115200 tty0"
CMA=0
EOF
        echo 'ro quiet loglevel=3 vt.global_cursor_default=0' >"$root/etc/default/raspi-extra-cmdline"
    fi
    # The initramfs, once (see essential); raspi-firmware's post-update hook
    # then fills /boot/firmware.
    rm -f "$root/usr/sbin/update-initramfs"
    chroot "$root" dpkg-divert --quiet --local --rename \
        --divert /usr/sbin/update-initramfs.echowall --remove /usr/sbin/update-initramfs
    kver=$(find "$root/lib/modules" -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -V | tail -n 1)
    [ -n "$kver" ] || { echo "customize-root.sh: no kernel in the root" >&2; exit 1; }
    chroot "$root" update-initramfs -c -k "$kver"
    mkdir -p "$root/boot/firmware"
    # No unit at boot thinks /etc or /var needs updating (ldconfig, hwdb,
    # the journal's catalogue, sysusers: ConditionNeedsUpdate=): it would
    # redo that work into RAM at every boot.
    touch "$root/etc/.updated" "$root/var/.updated"
    ;;
*)
    echo "customize-root.sh: unknown stage $stage" >&2
    exit 1
    ;;
esac
