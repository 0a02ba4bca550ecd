// ncurses, wide-character build (Debian libncurses-dev: libncursesw). Macros Swift cannot import
// are wrapped in small inline functions.
#ifndef LIFECERT_CNCURSES_SHIM_H
#define LIFECERT_CNCURSES_SHIM_H
#define _XOPEN_SOURCE_EXTENDED 1
#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <curses.h>

static inline int lc_mvaddstr(int y, int x, const char *s) { return mvwaddstr(stdscr, y, x, s); }
static inline int lc_reverse(int on) { return on ? wattron(stdscr, A_REVERSE) : wattroff(stdscr, A_REVERSE); }
static inline int lc_bold(int on) { return on ? wattron(stdscr, A_BOLD) : wattroff(stdscr, A_BOLD); }
static inline int lc_lines(void) { return LINES; }
static inline int lc_cols(void) { return COLS; }
static inline int lc_getch(void) { return wgetch(stdscr); }
static inline int lc_keypad(void) { return keypad(stdscr, TRUE); }
static inline int lc_clrtoeol(void) { return wclrtoeol(stdscr); }
static inline int lc_erase(void) { return werase(stdscr); }
static inline int lc_refresh(void) { return wrefresh(stdscr); }
static inline int lc_getnstr(char *buf, int n) { return wgetnstr(stdscr, buf, n); }
static inline int lc_move(int y, int x) { return wmove(stdscr, y, x); }
static inline int lc_key_resize(void) { return KEY_RESIZE; }
static inline int lc_key_up(void) { return KEY_UP; }
static inline int lc_key_down(void) { return KEY_DOWN; }
static inline int lc_key_npage(void) { return KEY_NPAGE; }
static inline int lc_key_ppage(void) { return KEY_PPAGE; }
#endif
