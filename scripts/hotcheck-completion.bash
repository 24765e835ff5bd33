# bash completion for hotcheck. Installed to share/bash-completion/completions/hotcheck;
# from a checkout: source scripts/hotcheck-completion.bash
_hotcheck() {
    local cur prev words cword
    if declare -F _init_completion >/dev/null 2>&1; then
        _init_completion -n = || return
    else
        cur=${COMP_WORDS[COMP_CWORD]}
        prev=${COMP_WORDS[COMP_CWORD-1]}
        words=("${COMP_WORDS[@]}")
        cword=$COMP_CWORD
    fi

    local commands="list run check merge litmus help"
    local run_opts="--model --explorer --max-executions --timeout --max-events --json --junit --dot --svg --trace --spurious-cas --jobs --shard --checkpoint --checkpoint-every --resume --verbose --quiet --help"
    local models="rc11 rc11-paper ra sc"

    if [[ $cword -eq 1 ]]; then
        COMPREPLY=($(compgen -W "$commands --help --version" -- "$cur"))
        return
    fi

    # An option's value.
    case $prev in
        --model) COMPREPLY=($(compgen -W "$models" -- "$cur")); return ;;
        --explorer) COMPREPLY=($(compgen -W "optimal reference" -- "$cur")); return ;;
        --format) COMPREPLY=($(compgen -W "text json tsv" -- "$cur")); return ;;
        --trace) COMPREPLY=($(compgen -W "list columns" -- "$cur")); return ;;
        --json|--junit|--dot|--svg|--checkpoint|--resume) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- "$cur")); return ;;
        --max-executions|--timeout|--max-events|--cxx-flags|--jobs|--shard|--checkpoint-every) return ;;
    esac

    local cmd=${words[1]}
    case $cmd in
        help)
            [[ $cword -eq 2 ]] && COMPREPLY=($(compgen -W "list run check merge litmus help" -- "$cur"))
            ;;
        list)
            ;;
        run)
            if [[ $cur == -* ]]; then
                COMPREPLY=($(compgen -W "--all $run_opts" -- "$cur"))
            else
                # The bundled model names, from the hotcheck being completed.
                local names
                names=$("${words[0]}" list 2>/dev/null | awk '{print $1}')
                COMPREPLY=($(compgen -W "$names" -- "$cur"))
            fi
            ;;
        check)
            if [[ $cur == -* ]]; then
                COMPREPLY=($(compgen -W "--cxx-flags --rebuild $run_opts" -- "$cur"))
            else
                local pattern='!*.@(cpp|cc|cxx|C)'
                shopt -q extglob || pattern='!*.cpp'
                compopt -o filenames 2>/dev/null
                COMPREPLY=($(compgen -f -X "$pattern" -- "$cur") $(compgen -d -- "$cur"))
            fi
            ;;
        merge)
            if [[ $cur == -* ]]; then
                COMPREPLY=($(compgen -W "--json --quiet --help" -- "$cur"))
            else
                compopt -o filenames 2>/dev/null
                COMPREPLY=($(compgen -f -X '!*.json' -- "$cur") $(compgen -d -- "$cur"))
            fi
            ;;
        litmus)
            if [[ $cur == -* ]]; then
                COMPREPLY=($(compgen -W "--model --format --timeout --max-events --help" -- "$cur"))
            else
                compopt -o filenames 2>/dev/null
                COMPREPLY=($(compgen -f -X '!*.litmus' -- "$cur") $(compgen -d -- "$cur"))
            fi
            ;;
    esac
}
complete -F _hotcheck hotcheck
