"""Build ``src/valuechain/reference/data/org_countries.csv``: Hugging Face organisation -> ISO country.

Reproducible: ``python scripts/build_org_countries.py [--data ../shared/data]``.

Seeds, in priority order (the first source that gives a namespace a country wins):

0. :data:`CORRECTIONS`: the few snapshot statements found wrong on review, with the organisation's
   own page and what the snapshot said (``verified = false``).
1. ATOM Project ``metadata/organization_regions.csv`` (Interconnects-AI/tracked-models @ 3cd80206,
   Apache-2.0). ATOM gives regions only: ``us`` -> ``US`` and ``china`` -> ``CN`` are taken as stated
   (``verified = true``); ``eu`` / ``other`` namespaces get a country from :data:`ATOM_REGION_COUNTRY`,
   assigned by hand (``verified = false``); ATOM's ``unknown`` stays ``unknown``.
2. Epoch AI model databases (CC-BY-4.0, credit Epoch AI): a row whose link points to
   ``huggingface.co/<namespace>/...`` and whose ``Country (from Organization)`` names one country
   gives that namespace its country (``verified = true``: the snapshot states both in one row).
3. Epoch organisation names matched to namespaces by hand (:data:`EPOCH_NAME_MAP`): the country is the
   one Epoch states for that organisation, the namespace match is ours (``verified = false``).
4. Hand-curated rows (:data:`HAND`), each with the URL of the organisation's own page
   (``verified = false``): checked by a person, not stated by a snapshot in ``../shared/data``.

Individuals' accounts are not listed: their country is not public, and they stay ``unknown``.
Re-packager accounts (unsloth, TheBloke, ...) are never origins and are not listed either.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "valuechain" / "reference" / "data" / "org_countries.csv"

ATOM_FILE = "ecosystem/atom-tracked-models/metadata/organization_regions.csv"
EPOCH_FILES = (
    "ecosystem/epoch/all-ai-models-2025-03.csv",
    "ecosystem/epoch/all-ml-systems-2024-09.csv",
    "ecosystem/epoch/notable_ai_models_24_02_2025.csv",
)
COUNTRY_COLUMN = "Country (from Organization)"

# ATOM 'eu' / 'other' namespaces: the country of the organisation's headquarters (by hand).
ATOM_REGION_COUNTRY = {
    "AI-MO": ("FR", "https://projectnumina.ai/"),
    "black-forest-labs": ("DE", "https://bfl.ai/"),
    "docling-project": ("CH", "https://research.ibm.com/labs/zurich"),
    "Freepik": ("ES", "https://www.freepik.com/company"),
    "Hcompany": ("FR", "https://www.hcompany.ai/"),
    "JetBrains": ("CZ", "https://www.jetbrains.com/company/contacts/"),
    "jinaai": ("DE", "https://jina.ai/"),
    "kyutai": ("FR", "https://kyutai.org/"),
    "laion": ("DE", "https://laion.ai/about/"),
    "lightonai": ("FR", "https://www.lighton.ai/"),
    "mistral-community": ("FR", "https://mistral.ai/"),
    "mistralai": ("FR", "https://mistral.ai/"),
    "Photoroom": ("FR", "https://www.photoroom.com/company"),
    "PleIAs": ("FR", "https://pleias.fr/"),
    "stabilityai": ("GB", "https://stability.ai/"),
    "swiss-ai": ("CH", "https://www.swiss-ai.org/"),
    "TildeAI": ("LV", "https://tilde.ai/"),
    "tngtech": ("DE", "https://www.tngtech.com/"),
    "vidore": ("FR", "https://huggingface.co/vidore"),
    "CohereForAI": ("CA", "https://cohere.com/research"),
    "CohereLabs": ("CA", "https://cohere.com/research"),
    "LGAI-EXAONE": ("KR", "https://www.lgresearch.ai/"),
    "llm-jp": ("JP", "https://llm-jp.nii.ac.jp/"),
    "LLM360": ("AE", "https://www.llm360.ai/"),
    "Motif-Technologies": ("KR", "https://huggingface.co/Motif-Technologies"),
    "sarvamai": ("IN", "https://www.sarvam.ai/"),
    "skt": ("KR", "https://www.sktelecom.com/"),
    "tiiuae": ("AE", "https://www.tii.ae/"),
    "TinyLlama": ("SG", "https://github.com/jzhang38/TinyLlama"),
    "trillionlabs": ("KR", "https://trillionlabs.co/"),
    "typhoon-ai": ("TH", "https://opentyphoon.ai/"),
    "upstage": ("KR", "https://www.upstage.ai/"),
}

# Snapshot statements found wrong on review, replaced by hand (applied first, ``verified = false``):
# namespace -> (ISO alpha-2, organisation, URL of its own page, what the snapshot said).
CORRECTIONS = {
    "ai21labs": (
        "IL",
        "AI21 Labs",
        "https://www.ai21.com/",
        "ATOM region 'us' is wrong: AI21 Labs is headquartered in Tel Aviv",
    ),
}

# Hugging Face namespace -> the organisation's exact name in Epoch's databases (matched by hand).
EPOCH_NAME_MAP = {
    "meta-llama": "Meta AI",
    "facebook": "Facebook AI Research",
    "codellama": "Meta AI",
    "google": "Google",
    "google-t5": "Google",
    "google-bert": "Google",
    "openai": "OpenAI",
    "openai-community": "OpenAI",
    "microsoft": "Microsoft",
    "Qwen": "Alibaba",
    "Alibaba-NLP": "Alibaba",
    "alibaba-pai": "Alibaba",
    "nvidia": "NVIDIA",
    "mistralai": "Mistral AI",
    "ibm-granite": "IBM",
    "ibm": "IBM",
    "deepseek-ai": "DeepSeek",
    "baidu": "Baidu",
    "PaddlePaddle": "Baidu",
    "BAAI": "Beijing Academy of Artificial Intelligence / BAAI",
    "amazon": "Amazon",
    "tencent": "Tencent",
    "Tencent-Hunyuan": "Tencent",
    "01-ai": "01.AI",
    "Salesforce": "Salesforce",
    "LGAI-EXAONE": "LG AI Research",
    "xai-org": "xAI",
    "ByteDance": "ByteDance",
    "ByteDance-Seed": "ByteDance",
    "bytedance-research": "ByteDance",
    "apple": "Apple",
    "THUDM": "Zhipu AI",
    "zai-org": "Zhipu AI",
    "tiiuae": "Technology Innovation Institute",
    "baichuan-inc": "Baichuan",
    "MiniMaxAI": "MiniMax",
    "inclusionAI": "Ant Group",
    "black-forest-labs": "Black Forest Labs",
    "tokyotech-llm": "Tokyo Institute of Technology",
    "Writer": "Writer",
    "Aleph-Alpha": "Aleph Alpha",
    "ai21labs": "AI21 Labs",
    "stepfun-ai": "StepFun",
    "Deci": "Deci AI",
    "lightonai": "LightOn",
    "CohereLabs": "Cohere for AI",
    "CohereForAI": "Cohere for AI",
    "databricks": "Databricks",
    "adept": "Adept",
    "Skywork": "Kunlun Inc.",
    "iflytek": "iFlytek",
    "sensenova": "SenseTime",
    "SenseTime": "SenseTime",
    "pfnet": "Preferred Networks Inc",
    "kakaobrain": "Kakao",
    "KT-AI": "KT",
    "cyberagent": "CyberAgent",
    "naver-hyperclovax": "NAVER",
    "naver": "NAVER",
    "rinna": "rinna",
    "huawei-noah": "Huawei Noah's Ark Lab",
    "mosaicml": "MosaicML",
    "allenai": "Allen Institute for AI",
    "upstage": "Upstage",
    "elyza": "Elyza",
    "stockmark": "Stockmark",
    "lightblue": "Lightblue",
    "karakuri-ai": "KARAKURI Inc.",
    "ai-forever": "Sber",
    "yandex": "Yandex",
    "AI-Sweden-Models": "AI Sweden",
    "NYTK": "Hungarian Research Centre for Linguistics",
    "Tele-AI": "China Telecom",
    "IEITYuan": "Inspur",
    "Kwaipilot": "Kuaishou Technology",
    "KwaiVGI": "Kuaishou Technology",
    "Kwai-Kolors": "Kuaishou Technology",
    "openbmb": "OpenBMB (Open Lab for Big Model Base)",
    "Nanbeige": "Nanbeige LLM Lab",
    "Snowflake": "Snowflake",
    "RekaAI": "Reka AI",
    "perplexity-ai": "Perplexity",
    "moonshotai": "Moonshot",
    "NousResearch": "Nous Research",
    "togethercomputer": "Together",
    "Nexusflow": "Nexusflow",
    "LiquidAI": "Liquid",
    "cerebras": "Cerebras Systems",
    "Intel": "Intel Labs",
    "Cohere": "Cohere",
    "stanford-crfm": "Stanford University",
    "stanfordnlp": "Stanford University",
    "tatsu-lab": "Stanford University",
    "princeton-nlp": "Princeton University",
    "PKU-Alignment": "Peking University",
    "fnlp": "Fudan University",
    "OpenMOSS": "Fudan University",
    "westlake-repl": "Westlake University",
    "TigerResearch": "Tigerobo",
    "IDEA-CCNL": "IDEA CCNL",
    "China-Mobile": "China Mobile",
    "xverse": "XVERSE Technology,Shenzhen Yuanxiang Technology",
    "Duxiaoman-DI": "Du Xiaoman",
    "BelleGroup": "KE Holdings Inc. (“Beike”)",
    "UCLA-AGI": "University of California Los Angeles (UCLA)",
    "sapienzanlp": "Sapienza Università di Roma",
    "uw-madison": "University of Wisconsin Madison",
    "mit-han-lab": "Massachusetts Institute of Technology (MIT)",
    "KAIST-AI": "Korea Advanced Institute of Science and Technology (KAIST)",
    "zjunlp": "Zhejiang University",
    "thunlp": "Tsinghua University",
    "THU-KEG": "Tsinghua University",
    "Anthropic": "Anthropic",
    "HuggingFaceH4": "Hugging Face",
    "huggingface": "Hugging Face",
    "edinburgh-nlp": "University of Edinburgh",
    "NCSOFT": "NCSOFT",
    "line-corporation": "LINE Corporation",
    "matsuo-lab": "Matsuo Lab",
    "WizardLMTeam": "Microsoft",
    "intfloat": "Microsoft",
    "microsoft-research-asia": "Microsoft Research Asia",
    "Qwen-Team": "Alibaba",
}

# Hand-curated rows: namespace -> (ISO alpha-2, organisation, URL of its own page).
HAND = {
    # United States
    "cognitivecomputations": ("US", "Cognitive Computations", "https://erichartford.com/"),
    "abacusai": ("US", "Abacus.AI", "https://abacus.ai/"),
    "defog": ("US", "Defog.ai", "https://defog.ai/"),
    "openlm-research": (
        "US",
        "OpenLM Research (UC Berkeley)",
        "https://github.com/openlm-research/open_llama",
    ),
    "huggingface": ("US", "Hugging Face", "https://huggingface.co/huggingface"),
    "distilbert": ("US", "Hugging Face", "https://huggingface.co/distilbert"),
    "HuggingFaceH4": ("US", "Hugging Face", "https://huggingface.co/HuggingFaceH4"),
    "garage-bAInd": ("US", "Boston University (Platypus)", "https://platypus-llm.github.io/"),
    "lmsys": ("US", "LMSYS (UC Berkeley)", "https://lmsys.org/"),
    "mlfoundations": ("US", "ML Foundations (Univ. of Washington)", "https://github.com/mlfoundations"),
    "NovaSky-AI": ("US", "NovaSky (UC Berkeley Sky Lab)", "https://novasky-ai.github.io/"),
    "bespokelabs": ("US", "Bespoke Labs", "https://www.bespokelabs.ai/"),
    "simplescaling": ("US", "s1 (Stanford)", "https://github.com/simplescaling/s1"),
    "amd": ("US", "AMD", "https://www.amd.com/"),
    "intel": ("US", "Intel", "https://www.intel.com/"),
    "Intel": ("US", "Intel", "https://www.intel.com/"),
    "cerebras": ("US", "Cerebras Systems", "https://www.cerebras.ai/"),
    "SambaNova": ("US", "SambaNova Systems", "https://sambanova.ai/"),
    "sambanovasystems": ("US", "SambaNova Systems", "https://sambanova.ai/"),
    "replit": ("US", "Replit", "https://replit.com/"),
    "mosaicml": ("US", "MosaicML", "https://www.databricks.com/research/mosaic"),
    "tatsu-lab": ("US", "Stanford Tatsu Lab", "https://github.com/tatsu-lab"),
    "ServiceNow": ("US", "ServiceNow", "https://www.servicenow.com/"),
    "Nexusflow": ("US", "Nexusflow", "https://nexusflow.ai/"),
    "Writer": ("US", "Writer", "https://writer.com/"),
    "microsoft": ("US", "Microsoft", "https://www.microsoft.com/"),
    "ContextualAI": ("US", "Contextual AI", "https://contextual.ai/"),
    "Databricks": ("US", "Databricks", "https://www.databricks.com/"),
    "salesforce": ("US", "Salesforce", "https://www.salesforce.com/"),
    "ibm-ai-platform": ("US", "IBM", "https://www.ibm.com/"),
    "ise-uiuc": ("US", "UIUC Software Engineering", "https://github.com/ise-uiuc"),
    "Zyphra": ("US", "Zyphra", "https://www.zyphra.com/"),
    "PrimeIntellect": ("US", "Prime Intellect", "https://www.primeintellect.ai/"),
    "arcee-ai": ("US", "Arcee AI", "https://www.arcee.ai/"),
    "answerdotai": ("US", "Answer.AI", "https://www.answer.ai/"),
    "agentica-org": ("US", "Agentica (UC Berkeley)", "https://agentica-project.com/"),
    "open-thoughts": ("US", "Open Thoughts", "https://www.open-thoughts.ai/"),
    "deepcogito": ("US", "Deep Cogito", "https://www.deepcogito.com/"),
    "Salesforce": ("US", "Salesforce", "https://www.salesforce.com/"),
    "llava-hf": ("US", "LLaVA", "https://llava-vl.github.io/"),
    "togethercomputer": ("US", "Together AI", "https://www.together.ai/"),
    "NumbersStation": ("US", "Numbers Station", "https://www.numbersstation.ai/"),
    "CarperAI": ("US", "CarperAI", "https://carper.ai/"),
    "jinaai": ("DE", "Jina AI", "https://jina.ai/"),
    "nomic-ai": ("US", "Nomic AI", "https://www.nomic.ai/"),
    "Snowflake": ("US", "Snowflake", "https://www.snowflake.com/"),
    "upstage": ("KR", "Upstage", "https://www.upstage.ai/"),
    # China
    "internlm": ("CN", "Shanghai AI Laboratory", "https://internlm.intern-ai.org.cn/"),
    "OpenGVLab": ("CN", "Shanghai AI Laboratory", "https://github.com/OpenGVLab"),
    "opencompass": ("CN", "Shanghai AI Laboratory", "https://opencompass.org.cn/"),
    "opendatalab": ("CN", "Shanghai AI Laboratory", "https://opendatalab.com/"),
    "hfl": ("CN", "Joint Laboratory of HIT and iFLYTEK Research", "https://github.com/ymcui"),
    "Langboat": ("CN", "Langboat Technology", "https://www.langboat.com/"),
    "Linly-AI": ("CN", "Shenzhen University (Linly)", "https://github.com/CVI-SZU/Linly"),
    "HIT-SCIR": ("CN", "Harbin Institute of Technology SCIR", "http://ir.hit.edu.cn/"),
    "ICTNLP": ("CN", "Institute of Computing Technology, CAS", "https://ictnlp.ac.cn/"),
    "infly": ("CN", "INF Technology (Shanghai)", "https://www.inftech.ai/"),
    "FreedomIntelligence": ("CN", "CUHK-Shenzhen / SRIBD", "https://github.com/FreedomIntelligence"),
    "WisdomShell": ("CN", "Peking University KCL (CodeShell)", "https://github.com/WisdomShell"),
    "XiaomiMiMo": ("CN", "Xiaomi", "https://www.mi.com/"),
    "meituan-longcat": ("CN", "Meituan", "https://www.meituan.com/"),
    "meituan": ("CN", "Meituan", "https://www.meituan.com/"),
    "rednote-hilab": ("CN", "Xiaohongshu (RedNote)", "https://www.xiaohongshu.com/"),
    "Kwaipilot": ("CN", "Kuaishou", "https://www.kuaishou.com/"),
    "kwaivgi": ("CN", "Kuaishou", "https://www.kuaishou.com/"),
    "jdopensource": ("CN", "JD.com", "https://www.jd.com/"),
    "Tencent-Hunyuan": ("CN", "Tencent", "https://hunyuan.tencent.com/"),
    "tencent": ("CN", "Tencent", "https://www.tencent.com/"),
    "TencentARC": ("CN", "Tencent ARC Lab", "https://arc.tencent.com/"),
    "Tongyi-Zhiwen": ("CN", "Alibaba Tongyi", "https://tongyi.aliyun.com/"),
    "modelscope": ("CN", "Alibaba ModelScope", "https://modelscope.cn/"),
    "Wan-AI": ("CN", "Alibaba Tongyi Wanxiang", "https://wan.video/"),
    "AIDC-AI": ("CN", "Alibaba International Digital Commerce", "https://huggingface.co/AIDC-AI"),
    "FlagAlpha": ("CN", "FlagAlpha (Llama Chinese community)", "https://llama.family/"),
    "SUSTech": ("CN", "Southern University of Science and Technology", "https://www.sustech.edu.cn/"),
    "Vchitect": ("CN", "Shanghai AI Laboratory", "https://vchitect.intern-ai.org.cn/"),
    "damo-vilab": ("CN", "Alibaba DAMO Academy", "https://damo.alibaba.com/"),
    "X-D-Lab": ("CN", "East China Normal University X-D Lab", "https://github.com/X-D-Lab"),
    "Qwen": ("CN", "Alibaba Qwen", "https://qwenlm.github.io/"),
    "Duxiaoman-DI": ("CN", "Du Xiaoman", "https://www.duxiaoman.com/"),
    "GSAI-ML": ("CN", "Renmin University of China GSAI", "https://gsai.ruc.edu.cn/"),
    "RUC-AIBOX": ("CN", "Renmin University of China AI Box", "https://github.com/RUCAIBox"),
    "RUCAIBox": ("CN", "Renmin University of China AI Box", "https://github.com/RUCAIBox"),
    "Skywork": ("CN", "Kunlun Tech (Skywork)", "https://skywork.ai/"),
    "baichuan-inc": ("CN", "Baichuan", "https://www.baichuan-ai.com/"),
    "deepseek-ai": ("CN", "DeepSeek", "https://www.deepseek.com/"),
    "moonshotai": ("CN", "Moonshot AI", "https://www.moonshot.cn/"),
    "MiniMaxAI": ("CN", "MiniMax", "https://www.minimax.io/"),
    "stepfun-ai": ("CN", "StepFun", "https://www.stepfun.com/"),
    "PRIME-RL": ("CN", "PRIME (Tsinghua University)", "https://github.com/PRIME-RL"),
    "Tongyi-MAI": ("CN", "Alibaba Tongyi", "https://tongyi.aliyun.com/"),
    "ByteDance-Seed": ("CN", "ByteDance Seed", "https://seed.bytedance.com/"),
    "unicamp-dl": ("BR", "University of Campinas", "https://huggingface.co/unicamp-dl"),
    # Europe
    "VAGOsolutions": ("DE", "VAGO solutions", "https://vago-solutions.ai/"),
    "LeoLM": ("DE", "LAION / Hessian.AI (LeoLM)", "https://laion.ai/blog/leo-lm/"),
    "DiscoResearch": ("DE", "DiscoResearch", "https://huggingface.co/DiscoResearch"),
    "occiglot": ("DE", "Occiglot (DFKI, hessian.AI)", "https://occiglot.eu/"),
    "openGPT-X": ("DE", "OpenGPT-X (Fraunhofer IAIS)", "https://opengpt-x.de/"),
    "deepset": ("DE", "deepset", "https://www.deepset.ai/"),
    "BSC-LT": ("ES", "Barcelona Supercomputing Center", "https://www.bsc.es/"),
    "projecte-aina": ("ES", "Projecte AINA (BSC)", "https://projecteaina.cat/"),
    "PlanTL-GOB-ES": (
        "ES",
        "Plan de Tecnologías del Lenguaje (Gobierno de España)",
        "https://plantl.mineco.gob.es/",
    ),
    "sapienzanlp": ("IT", "Sapienza NLP", "https://nlp.uniroma1.it/"),
    "swap-uniba": ("IT", "University of Bari (SWAP)", "https://huggingface.co/swap-uniba"),
    "iGeniusAI": ("IT", "iGenius", "https://www.igenius.ai/"),
    "OpenLLM-France": ("FR", "OpenLLM-France (LINAGORA)", "https://github.com/OpenLLM-France"),
    "croissantllm": ("FR", "CroissantLLM (CentraleSupélec, Illuin)", "https://huggingface.co/croissantllm"),
    "bigscience": ("FR", "BigScience (Hugging Face, Jean Zay)", "https://bigscience.huggingface.co/"),
    "LumiOpen": ("FI", "Silo AI / University of Turku", "https://huggingface.co/LumiOpen"),
    "TurkuNLP": ("FI", "University of Turku", "https://turkunlp.org/"),
    "NbAiLab": ("NO", "National Library of Norway AI Lab", "https://ai.nb.no/"),
    "norallm": ("NO", "NorwAI / University of Oslo", "https://huggingface.co/norallm"),
    "speakleash": ("PL", "SpeakLeash", "https://speakleash.org/"),
    "CYFRAGOVPL": ("PL", "Polish Ministry of Digital Affairs (PLLuM)", "https://huggingface.co/CYFRAGOVPL"),
    "t-tech": ("RU", "T-Technologies", "https://www.tbank.ru/"),
    "Vikhrmodels": ("RU", "Vikhr models", "https://huggingface.co/Vikhrmodels"),
    "yandex": ("RU", "Yandex", "https://yandex.com/company"),
    "utter-project": ("PT", "UTTER (Unbabel, IST Lisbon)", "https://he-utter.eu/"),
    "Unbabel": ("PT", "Unbabel", "https://unbabel.com/"),
    "deepmind": ("GB", "DeepMind", "https://deepmind.google/"),
    "smallcloudai": ("GB", "Refact AI", "https://refact.ai/"),
    "epfl-llm": ("CH", "EPFL (Meditron)", "https://huggingface.co/epfl-llm"),
    "Aleph-Alpha": ("DE", "Aleph Alpha", "https://aleph-alpha.com/"),
    "h2oai": ("US", "H2O.ai", "https://h2o.ai/"),
    "kyutai": ("FR", "Kyutai", "https://kyutai.org/"),
    "EuroBERT": ("FR", "EuroBERT consortium", "https://huggingface.co/EuroBERT"),
    "GroNLP": ("NL", "University of Groningen", "https://www.rug.nl/research/clcg/research/cl/"),
    # Asia-Pacific, Middle East, Americas
    "sbintuitions": ("JP", "SB Intuitions (SoftBank)", "https://www.sbintuitions.co.jp/"),
    "SakanaAI": ("JP", "Sakana AI", "https://sakana.ai/"),
    "Rakuten": ("JP", "Rakuten", "https://corp.rakuten.co.jp/"),
    "tohoku-nlp": ("JP", "Tohoku University NLP", "https://www.nlp.ecei.tohoku.ac.jp/"),
    "weblab-GENIAC": ("JP", "University of Tokyo Matsuo Lab (GENIAC)", "https://weblab.t.u-tokyo.ac.jp/"),
    "kotoba-tech": ("JP", "Kotoba Technologies", "https://www.kotoba.tech/"),
    "kakaocorp": ("KR", "Kakao", "https://www.kakaocorp.com/"),
    "yanolja": ("KR", "Yanolja", "https://www.yanolja.com/"),
    "KRAFTON": ("KR", "KRAFTON", "https://www.krafton.com/"),
    "maum-ai": ("KR", "maum.ai", "https://maum.ai/"),
    "42dot": ("KR", "42dot (Hyundai)", "https://42dot.ai/"),
    "kakao-enterprise": ("KR", "Kakao Enterprise", "https://www.kakaoenterprise.com/"),
    "NCSOFT": ("KR", "NCSOFT", "https://www.ncsoft.com/"),
    "aisingapore": ("SG", "AI Singapore", "https://aisingapore.org/"),
    "sail": ("SG", "Sea AI Lab", "https://sail.sea.com/"),
    "SeaLLMs": ("SG", "SeaLLMs (Alibaba DAMO Singapore)", "https://damo-nlp-sg.github.io/SeaLLMs/"),
    "DAMO-NLP-SG": ("SG", "Alibaba DAMO Academy Singapore", "https://github.com/DAMO-NLP-SG"),
    "vinai": ("VN", "VinAI Research", "https://www.vinai.io/"),
    "vilm": ("VN", "ViLM", "https://huggingface.co/vilm"),
    "Viet-Mistral": ("VN", "Viet-Mistral", "https://huggingface.co/Viet-Mistral"),
    "scb10x": ("TH", "SCB 10X", "https://www.scb10x.com/"),
    "krutrim-ai-labs": ("IN", "Ola Krutrim", "https://www.olakrutrim.com/"),
    "ai4bharat": ("IN", "AI4Bharat (IIT Madras)", "https://ai4bharat.iitm.ac.in/"),
    "CohereLabs": ("CA", "Cohere Labs", "https://cohere.com/research"),
    "TIGER-Lab": ("CA", "TIGER-Lab (University of Waterloo)", "https://tiger-ai-lab.github.io/"),
    "MBZUAI": ("AE", "Mohamed bin Zayed University of AI", "https://mbzuai.ac.ae/"),
    "inceptionai": ("AE", "Inception (G42)", "https://www.inceptionai.ai/"),
    "core42": ("AE", "Core42 (G42)", "https://www.core42.ai/"),
    "ALLaM-AI": ("SA", "SDAIA", "https://sdaia.gov.sa/"),
    "taide": ("TW", "TAIDE (National Science and Technology Council)", "https://taide.tw/"),
    "MediaTek-Research": ("TW", "MediaTek Research", "https://www.mediatek-research.com/"),
    "HKUSTAudio": ("HK", "Hong Kong University of Science and Technology", "https://hkust.edu.hk/"),
    "hkust-nlp": ("HK", "HKUST NLP", "https://github.com/hkust-nlp"),
    "HKUNLP": ("HK", "University of Hong Kong NLP", "https://hkunlp.github.io/"),
    "BioMistral": (
        "FR",
        "BioMistral (Avignon Université, Nantes Université)",
        "https://huggingface.co/BioMistral",
    ),
    "FuseAI": ("CN", "FuseAI (Sun Yat-sen University)", "https://github.com/fanqiwan/FuseAI"),
    "m-a-p": ("unknown", "Multimodal Art Projection (community)", "https://m-a-p.ai/"),
    "Open-Orca": ("unknown", "Open-Orca (community)", "https://huggingface.co/Open-Orca"),
    "mergekit-community": (
        "unknown",
        "mergekit community uploads",
        "https://huggingface.co/mergekit-community",
    ),
}


def iso(country: str) -> str | None:
    """ISO 3166-1 alpha-2 for an Epoch country string naming exactly one country (else None)."""
    import pycountry

    names = [c.strip() for c in country.split(",") if c.strip() and c.strip() != "Multinational"]
    codes = set()
    for name in names:
        special = {
            "Korea (Republic of)": "KR",
            "Taiwan": "TW",
            "Hong Kong": "HK",
            "Russia": "RU",
            "United Kingdom of Great Britain and Northern Ireland": "GB",
            "United States of America": "US",
            "Turkey": "TR",
            "Iran": "IR",
            "Vietnam": "VN",
        }
        if name in special:
            codes.add(special[name])
            continue
        try:
            codes.add(pycountry.countries.lookup(name).alpha_2)
        except LookupError:
            return None
    if codes == {"HK", "CN"}:
        return "HK"
    return codes.pop() if len(codes) == 1 else None


def build(data: Path) -> list[dict[str, str]]:
    rows: dict[str, dict[str, str]] = {}

    def add(
        ns: str, country: str, organisation: str, method: str, source: str, verified: bool, notes: str = ""
    ) -> None:
        if ns.lower() in rows:  # Hub namespaces are case-insensitive; the first source wins
            return
        rows[ns.lower()] = {
            "hf_org": ns,
            "country": country,
            "organisation": organisation,
            "method": method,
            "source": source,
            "verified": "true" if verified else "false",
            "notes": notes,
        }

    for ns, (country, org, url, said) in CORRECTIONS.items():
        add(ns, country, org, "hand-correction", url, False, said)

    atom = data / ATOM_FILE
    with atom.open(encoding="utf-8") as handle:
        for line_no, row in enumerate(csv.DictReader(handle), start=2):
            ns, region = row["hf_org"], row["region"]
            src = f"ATOM tracked-models {ATOM_FILE.split('/', 2)[-1]} row {line_no}"
            if region == "us":
                add(ns, "US", "", "atom-region", src, True, row.get("notes", ""))
            elif region == "china":
                add(ns, "CN", "", "atom-region", src, True, row.get("notes", ""))
            elif region == "unknown":
                add(ns, "unknown", "", "atom-region", src, False, row.get("notes", ""))
            elif ns in ATOM_REGION_COUNTRY:
                country, url = ATOM_REGION_COUNTRY[ns]
                add(
                    ns,
                    country,
                    "",
                    "atom-region+hand",
                    f"{src}; country by hand: {url}",
                    False,
                    f"ATOM region '{region}'",
                )
            else:
                add(ns, "unknown", "", "atom-region", src, False, f"ATOM region '{region}' only")

    link_re = re.compile(r"huggingface\.co/([A-Za-z0-9][A-Za-z0-9_.-]*)/[A-Za-z0-9]")
    skip = {"papers", "datasets", "spaces", "docs", "blog", "models", "collections", "learn", "api"}
    epoch_by_name: dict[str, tuple[str, str]] = {}
    for rel in EPOCH_FILES:
        path = data / rel
        with path.open(encoding="utf-8") as handle:
            for line_no, row in enumerate(csv.DictReader(handle), start=2):
                country = iso(row.get(COUNTRY_COLUMN) or "")
                org = (row.get("Organization") or "").strip()
                src = f"Epoch AI {rel.split('/')[-1]} row {line_no}"
                if org and country and org not in epoch_by_name:
                    epoch_by_name[org] = (country, src)
                if not country:
                    continue
                text = " ".join(str(v) for v in row.values() if v)
                for match in link_re.finditer(text):
                    ns = match.group(1)
                    if ns not in skip:
                        add(ns, country, org, "epoch-link", src, True)

    for ns, org in EPOCH_NAME_MAP.items():
        if org in epoch_by_name:
            country, src = epoch_by_name[org]
            add(ns, country, org, "epoch-name", f"{src} (namespace matched to '{org}' by hand)", False)

    for ns, (country, org, url) in HAND.items():
        add(ns, country, org, "hand", url, False)
    return sorted(rows.values(), key=lambda r: r["hf_org"].lower())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    rows = build(args.data)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.out.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8", newline="") as handle:
        handle.write("# Hugging Face organisation -> ISO 3166-1 alpha-2 country of the organisation.\n")
        handle.write(
            "# Built by scripts/build_org_countries.py from ATOM (Apache-2.0) and Epoch AI "
            "(CC-BY-4.0, credit Epoch AI) plus hand-curated rows; 'unknown' stays unknown.\n"
        )
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    tmp.replace(args.out)
    known = sum(r["country"] != "unknown" for r in rows)
    print(f"wrote {len(rows)} organisations ({known} with a country) to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
