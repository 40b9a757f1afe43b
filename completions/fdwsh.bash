# bash completion for fdwsh
_fdwsh() {
    local cur prev
    cur="${COMP_WORDS[COMP_CWORD]}"
    prev="${COMP_WORDS[COMP_CWORD-1]}"
    case "$prev" in
        -f|--file|-o|--output|--catalog) COMPREPLY=($(compgen -f -- "$cur")); return ;;
        -U|--username) COMPREPLY=($(compgen -u -- "$cur")); return ;;
        -c|--command|-v|--set|--variable|-F|--field-separator|-R|--record-separator) return ;;
    esac
    COMPREPLY=($(compgen -W "-c --command -f --file -v --set --variable -A --no-align
        -t --tuples-only -F --field-separator -R --record-separator -x --expanded --csv
        -q --quiet -X --no-psqlrc -o --output -1 --single-transaction -e --echo-queries
        -a --echo-all -U --username --catalog --demo -V --version --help" -- "$cur"))
}
complete -F _fdwsh fdwsh
